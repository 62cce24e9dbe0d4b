import type { Environ } from '../provider/index.js';
import { runPhase, type FlowEventSink, type PhaseTiming } from '../provision/index.js';
import { signalOf } from '../util/optional.js';

export interface UndoBootstrapParams {
  readonly environ: Environ;
  readonly keepBroken: boolean;
  readonly onEvent?: FlowEventSink;
  readonly timings: PhaseTiming[];
  readonly signal?: AbortSignal;
}

/**
 * After a failed bootstrap (the controller's own instance already released by
 * `provisionMachine`): tears down the shared resources and removes the environment's
 * storage, provider-state included, so that the environment can be bootstrapped again.
 * Only runs after this bootstrap won the claim, so it never undoes another's work. Never
 * throws; reports each removal or failure as an event.
 */
export async function undoBootstrap(params: UndoBootstrapParams): Promise<void> {
  const { environ, onEvent } = params;
  if (params.keepBroken) {
    onEvent?.({ type: 'cleanup.kept', resource: 'shared resources and provider-state', reason: 'keep-broken was given' });
    return;
  }
  await runPhase({
    phase: 'cleanup',
    onEvent,
    timings: params.timings,
    run: async () => {
      try {
        const result = await environ.teardown(signalOf(params));
        for (const resource of result.removed) onEvent?.({ type: 'cleanup.removed', resource });
        for (const failure of result.failures) {
          onEvent?.({ type: 'cleanup.failed', resource: failure.resource, message: failure.error.message });
        }
      } catch (error) {
        onEvent?.({ type: 'cleanup.failed', resource: 'shared resources', message: (error as Error).message });
      }
      const storage = environ.storage();
      try {
        await storage.removeAll(signalOf(params));
        onEvent?.({ type: 'cleanup.removed', resource: `provider-state in ${storage.description}` });
      } catch (error) {
        onEvent?.({ type: 'cleanup.failed', resource: `provider-state in ${storage.description}`, message: (error as Error).message });
      }
    },
  }).catch(() => undefined);
}
