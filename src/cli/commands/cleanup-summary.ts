import type { FlowEvent } from '../../provision/events.js';
import type { CommandContext } from '../context.js';

export interface CleanupSummaryParams {
  readonly context: CommandContext;
  readonly environment: string;
  readonly events: readonly FlowEvent[];
  readonly keptBroken: boolean;
  /** Which run cleaned up: after add-machine the environment stays, and its failed machines can be removed alone. Default `bootstrap`. */
  readonly flow?: 'bootstrap' | 'add-machine' | undefined;
}

/**
 * After a failed or interrupted bootstrap or add-machine: one closing notice that says
 * what the clean-up removed and, above all, what it did not remove (each with why) and
 * what to run to remove it; for each machine kept with --keep-broken, where its logs are
 * (its console, cloud-init's output, and the configure log on the machine).
 */
export function cleanupSummary(params: CleanupSummaryParams): void {
  const { context, environment, events } = params;
  const removed = events.flatMap((e) => (e.type === 'cleanup.removed' ? [e.resource] : []));
  const failed = events.flatMap((e) => (e.type === 'cleanup.failed' ? [e] : []));
  const kept = events.flatMap((e) => (e.type === 'cleanup.kept' ? [e] : []));
  if (failed.length > 0) {
    const what = failed.map((e) => `${e.resource} (${firstLine(e.message)})`).join('; ');
    context.reporter.notice('error', `Not cleaned up: ${what}. ${removeHint(params, failed)}`);
  }
  if (kept.length > 0) {
    const why = params.keptBroken ? 'Kept for debugging (--keep-broken)' : 'Left behind';
    context.reporter.notice('warn', `${why}: ${kept.map((e) => e.resource).join(', ')}. ${removeHint(params, kept)}`);
    const machines = [...new Set(kept.flatMap((e) => (e.machineId === undefined ? [] : [e.machineId])))];
    for (const machine of machines) {
      context.reporter.notice(
        'info',
        `Machine ${machine}'s logs: "envboot logs ${environment} ${machine}" shows its console, cloud-init's output and /var/log/envboot/configure.log; ` +
          `add "--output DIR" to save them to files, or read them on it with "envboot ssh ${environment} ${machine}".`,
      );
    }
  }
  if (failed.length === 0 && kept.length === 0 && removed.length > 0) {
    // A machine that was removed took its logs with it: say how to keep the next one.
    const keepHint = !context.signal.aborted && removed.some((r) => r.startsWith('instance ')) ? ' Run it again with --keep-broken to keep a failed machine and read its logs ("envboot logs").' : '';
    context.reporter.notice('info', `Removed what this run created: ${removed.join(', ')}.${keepHint}`);
  }
}

/**
 * What removes what was left: after add-machine, `remove-machine` for machines alone (the
 * environment stays); otherwise `destroy`, which finds the environment's instances by
 * their tag even where provider-state is gone.
 */
function removeHint(params: CleanupSummaryParams, left: readonly { readonly machineId?: string | undefined }[]): string {
  const destroy = `"envboot destroy ${params.environment}" removes everything the environment owns.`;
  const machines = [...new Set(left.map((e) => e.machineId))];
  if (params.flow !== 'add-machine' || machines.includes(undefined)) return destroy;
  const ids = machines.filter((id): id is string => id !== undefined).sort((a, b) => Number(a) - Number(b));
  const plural = ids.length === 1 ? 'it' : 'them';
  return `"envboot remove-machine ${params.environment} ${ids.join(' ')}" removes ${plural} (retrying what failed); "envboot status ${params.environment}" shows what is there.`;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline)} …`;
}
