import type { FlowEvent } from '../../provision/events.js';
import type { CommandContext } from '../context.js';

/**
 * After a failed or interrupted bootstrap or add-machine: one closing notice that says
 * what the clean-up removed and, above all, what it left and how to remove it.
 */
export function cleanupSummary(params: { context: CommandContext; environment: string; events: readonly FlowEvent[]; keptBroken: boolean }): void {
  const { context, environment, events } = params;
  const removed = events.flatMap((e) => (e.type === 'cleanup.removed' ? [e.resource] : []));
  const left = events.flatMap((e) => (e.type === 'cleanup.failed' || e.type === 'cleanup.kept' ? [e.resource] : []));
  if (left.length > 0) {
    const why = params.keptBroken ? 'Kept for debugging (--keep-broken)' : 'Left behind';
    context.reporter.notice('warn', `${why}: ${left.join(', ')}. "envboot destroy ${environment}" removes everything the environment owns.`);
  } else if (removed.length > 0) {
    context.reporter.notice('info', `Removed what this run created: ${removed.join(', ')}.`);
  }
}
