import { messageOf } from '../errors/index.js';
import { tearDownEnviron, type Environ } from '../provider/index.js';
import { runCleanupPhase, type FlowEventSink, type Phase, type PhaseTiming } from '../provision/index.js';
import { bootstrapAttempt, failureFromError, loadState, markBootstrapFailed } from '../state/index.js';
import { signalOf } from '../util/optional.js';

/** Where a bootstrap stopped: the first phase that failed, and its machine. */
export interface FailedPhase {
  readonly phase: Phase;
  readonly machineId?: string;
}

export interface UndoBootstrapParams {
  readonly environ: Environ;
  /** The failed run's token (see `bootstrapAttempt`): when another run took the bootstrap over, its work is left alone. */
  readonly attempt?: string;
  readonly keepBroken: boolean;
  /** Why the bootstrap failed. */
  readonly error: unknown;
  /** Where it failed; absent when no phase reported a failure (then `bootstrap`). */
  readonly failedPhase?: FailedPhase | undefined;
  readonly onEvent?: FlowEventSink;
  readonly timings: PhaseTiming[];
  readonly signal?: AbortSignal;
}

/**
 * After a failed bootstrap (the controller's own instance already released by
 * `provisionMachine`): tears down the shared resources and removes the environment's
 * storage, provider-state included, so that the environment can be bootstrapped again.
 * With `keepBroken`, or when provider-state could not be removed, marks the bootstrap
 * `failed` in provider-state instead, with why, for `status`. Only runs after this
 * bootstrap won the claim, so it never undoes another's work. Never throws; reports each
 * removal or failure as an event.
 */
export async function undoBootstrap(params: UndoBootstrapParams): Promise<void> {
  const { environ, onEvent } = params;
  if (await takenOver(params)) {
    onEvent?.({ type: 'cleanup.kept', resource: 'shared resources and provider-state', reason: 'another run (bootstrap --resume) took the bootstrap over' });
    return;
  }
  if (params.keepBroken) {
    onEvent?.({ type: 'cleanup.kept', resource: 'shared resources and provider-state', reason: 'keep-broken was given' });
    await recordFailure(params, true);
    return;
  }
  // A clean-up that leaves something ends failed, so that no display marks it done.
  await runCleanupPhase({
    onEvent,
    timings: params.timings,
    run: async (report) => {
      try {
        const result = await tearDownEnviron(environ, signalOf(params));
        for (const resource of result.removed) report({ type: 'cleanup.removed', resource });
        for (const failure of result.failures) {
          report({ type: 'cleanup.failed', resource: failure.resource, message: failure.error.message });
        }
      } catch (error) {
        report({ type: 'cleanup.failed', resource: 'shared resources', message: (error as Error).message });
      }
      const storage = environ.storage();
      try {
        await storage.removeAll(signalOf(params));
        report({ type: 'cleanup.removed', resource: `provider-state in ${storage.description}` });
      } catch (error) {
        report({ type: 'cleanup.failed', resource: `provider-state in ${storage.description}`, message: (error as Error).message });
        // What is left says why, if the storage still takes a write.
        await recordFailure(params, false);
      }
    },
  }).catch(() => undefined);
}

/** Best-effort: failing to record is reported (when `warn`), and never replaces the bootstrap's own error. */
async function recordFailure(params: UndoBootstrapParams, warn: boolean): Promise<void> {
  const failure = failureFromError({ phase: params.failedPhase?.phase ?? 'bootstrap', machineId: params.failedPhase?.machineId, error: params.error });
  try {
    await markBootstrapFailed({ storage: params.environ.storage(), failure, ...(params.attempt === undefined ? {} : { attempt: params.attempt }), ...signalOf(params) });
  } catch (error) {
    if (!warn) return;
    params.onEvent?.({
      type: 'warning',
      message: `could not record in provider-state why the bootstrap failed (envboot status will say it did not finish): ${messageOf(error)}`,
    });
  }
}

/** True when provider-state names another run than this one; false when it cannot be read (the undo goes on as before). */
async function takenOver(params: UndoBootstrapParams): Promise<boolean> {
  if (params.attempt === undefined) return false;
  try {
    const { state } = await loadState({ storage: params.environ.storage(), ...signalOf(params) });
    const owner = bootstrapAttempt(state);
    return owner !== undefined && owner !== params.attempt;
  } catch {
    return false;
  }
}
