import type { FlowEvent } from '../../provision/events.js';
import type { CommandContext } from '../context.js';

/**
 * After a failed or interrupted bootstrap or add-machine: one closing notice that says
 * what the clean-up removed and, above all, what it left and how to remove it; for each
 * machine kept with --keep-broken, where its logs are (its console, cloud-init's output,
 * and the configure log on the machine).
 */
export function cleanupSummary(params: { context: CommandContext; environment: string; events: readonly FlowEvent[]; keptBroken: boolean }): void {
  const { context, environment, events } = params;
  const removed = events.flatMap((e) => (e.type === 'cleanup.removed' ? [e.resource] : []));
  const left = events.flatMap((e) => (e.type === 'cleanup.failed' || e.type === 'cleanup.kept' ? [e.resource] : []));
  if (left.length > 0) {
    const why = params.keptBroken ? 'Kept for debugging (--keep-broken)' : 'Left behind';
    context.reporter.notice('warn', `${why}: ${left.join(', ')}. "envboot destroy ${environment}" removes everything the environment owns.`);
    const kept = [...new Set(events.flatMap((e) => (e.type === 'cleanup.kept' && e.machineId !== undefined ? [e.machineId] : [])))];
    for (const machine of kept) {
      context.reporter.notice(
        'info',
        `Machine ${machine}'s logs: "envboot logs ${environment} ${machine}" shows its console, cloud-init's output and /var/log/envboot/configure.log; ` +
          `add "--output DIR" to save them to files, or read them on it with "envboot ssh ${environment} ${machine}".`,
      );
    }
  } else if (removed.length > 0) {
    // A machine that was removed took its logs with it: say how to keep the next one.
    const keepHint = !context.signal.aborted && removed.some((r) => r.startsWith('instance ')) ? ' Run it again with --keep-broken to keep a failed machine and read its logs ("envboot logs").' : '';
    context.reporter.notice('info', `Removed what this run created: ${removed.join(', ')}.${keepHint}`);
  }
}
