import { EnvbootError, ErrorCode } from '../errors/index.js';
import type { FlowEvent, FlowEventSink, Phase } from './events.js';
import { runPhase, type PhaseTiming } from './phase.js';

/** A clean-up step that left something behind: what ends its phase as failed (`CLEANUP_INCOMPLETE`). */
export class CleanupIncompleteError extends EnvbootError {
  /** What the step could not remove, as its `cleanup.failed` events named it. */
  readonly left: readonly string[];

  constructor(left: readonly string[]) {
    super(ErrorCode.CleanupIncomplete, `could not remove ${left.join(', ')}`);
    this.left = left;
  }
}

export interface RunCleanupPhaseParams {
  /** Default `cleanup`. */
  readonly phase?: Phase;
  readonly machineId?: string | undefined;
  readonly onEvent: FlowEventSink | undefined;
  readonly timings: PhaseTiming[];
  /**
   * Removes what it should, best-effort, reporting each removal and each failure through
   * the sink it is given (`cleanup.removed`, `cleanup.failed`); it does not throw for
   * what it reported.
   */
  readonly run: (onEvent: FlowEventSink) => Promise<void>;
}

/**
 * Runs one clean-up step as a phase that ends `phase.failed` (code `CLEANUP_INCOMPLETE`,
 * the message naming what is left) when the step reported any `cleanup.failed`, and
 * `phase.finished` only when it removed everything: a display never marks as done a
 * clean-up that left a machine running. Returns what was left; an error the step throws
 * fails the phase and is thrown.
 *
 * @example
 * const left = await runCleanupPhase({ machineId, onEvent, timings, run: async (report) => { … report({ type: 'cleanup.failed', resource, message }); } });
 */
export async function runCleanupPhase(params: RunCleanupPhaseParams): Promise<readonly string[]> {
  const left: string[] = [];
  const report: FlowEventSink = (event: FlowEvent) => {
    if (event.type === 'cleanup.failed') left.push(event.resource);
    params.onEvent?.(event);
  };
  try {
    await runPhase({
      phase: params.phase ?? 'cleanup',
      ...(params.machineId === undefined ? {} : { machineId: params.machineId }),
      onEvent: params.onEvent,
      timings: params.timings,
      run: async () => {
        await params.run(report);
        if (left.length > 0) throw new CleanupIncompleteError(left);
      },
    });
  } catch (error) {
    if (!(error instanceof CleanupIncompleteError)) throw error;
  }
  return left;
}
