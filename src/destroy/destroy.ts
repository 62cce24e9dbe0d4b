import { asError, isNotBootstrapped } from '../errors/index.js';
import type { Environ } from '../provider/index.js';
import { stopEach } from '../machines/index.js';
import { runPhase, type FlowEventSink, type PhaseTiming } from '../provision/index.js';
import { loadState, machineRecords } from '../state/index.js';
import { signalOf } from '../util/optional.js';

export interface DestroyParams {
  readonly environ: Environ;
  readonly onEvent?: FlowEventSink;
  readonly signal?: AbortSignal;
}

export interface DestroyFailure {
  readonly resource: string;
  readonly error: Error;
}

export interface DestroyResult {
  /** Every instance stopped, from provider-state and from the tag query together. */
  readonly stoppedInstances: readonly string[];
  /** Other things removed: shared resources, the environment's storage. */
  readonly removed: readonly string[];
  /** What could not be removed, each with why. Empty when the environment is fully gone. */
  readonly failures: readonly DestroyFailure[];
  readonly phases: readonly PhaseTiming[];
  readonly elapsedMs: number;
}

/**
 * Destroys everything an environment owns: the instances recorded in provider-state
 * *and* every instance carrying its ownership tag (so a lost or corrupt state file leaks
 * nothing), then the provider's shared resources, then the environment's storage.
 * Best-effort: it keeps going past failures and reports all of them in `failures`.
 * Idempotent: a second run, or one after a crash half-way, finishes the job; destroying
 * an environment that is already gone succeeds with nothing to do. provider-state is
 * kept while instances remain, so that the next run still knows them.
 *
 * @example
 * const { failures } = await destroy({ environ, onEvent: console.log });
 * if (failures.length > 0) process.exitCode = 1;
 */
export async function destroy(params: DestroyParams): Promise<DestroyResult> {
  const started = performance.now();
  const { environ, onEvent } = params;
  const timings: PhaseTiming[] = [];
  const failures: DestroyFailure[] = [];
  const removed: string[] = [];
  const step = { onEvent, timings };
  const ids = await runPhase({ ...step, phase: 'find-instances', run: () => findInstances({ ...params, failures }) });
  const stopped = await runPhase({ ...step, phase: 'stop-instances', run: () => stopEach({ environ, ids, ...signalOf(params) }) });
  failures.push(...stopped.failures);
  await runPhase({
    ...step,
    phase: 'teardown',
    run: async () => {
      try {
        const result = await environ.teardown(signalOf(params));
        removed.push(...result.removed);
        failures.push(...result.failures);
      } catch (error) {
        failures.push({ resource: 'shared resources', error: asError(error) });
      }
    },
  });
  const storage = environ.storage();
  await runPhase({
    ...step,
    phase: 'remove-storage',
    run: async () => {
      if (stopped.failures.length > 0) {
        onEvent?.({ type: 'cleanup.kept', resource: `provider-state in ${storage.description}`, reason: 'instances remain; run destroy again' });
        return;
      }
      try {
        await storage.removeAll(signalOf(params));
        removed.push(`storage ${storage.description}`);
      } catch (error) {
        failures.push({ resource: `storage ${storage.description}`, error: asError(error) });
      }
    },
  });
  for (const failure of failures) onEvent?.({ type: 'cleanup.failed', resource: failure.resource, message: failure.error.message });
  return { stoppedInstances: stopped.stopped, removed, failures, phases: timings, elapsedMs: Math.round(performance.now() - started) };
}

/** Instance ids from provider-state and from the tag query; either may fail alone. */
async function findInstances(params: DestroyParams & { readonly failures: DestroyFailure[] }): Promise<string[]> {
  const { environ } = params;
  const ids = new Set<string>();
  try {
    const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
    for (const id of state.stateInstances) ids.add(id);
    for (const machine of machineRecords(state)) ids.add(machine.instanceId);
  } catch (error) {
    // Missing or unreadable state is no reason to stop: the tag query still finds everything.
    if (!isNotBootstrapped(error)) {
      params.onEvent?.({ type: 'warning', message: `${asError(error).message}; destroying what the tag query finds` });
    }
  }
  try {
    for (const instance of await environ.allInstances(signalOf(params))) ids.add(instance.id);
  } catch (error) {
    params.failures.push({ resource: 'instance listing by tag', error: asError(error) });
  }
  return [...ids];
}
