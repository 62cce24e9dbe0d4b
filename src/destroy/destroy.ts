import { asError, ErrorCode, findInChain, isCancelled, isNotBootstrapped, messageOf } from '../errors/index.js';
import { tearDownEnviron, type Environ } from '../provider/index.js';
import { stopEach } from '../machines/index.js';
import { runCleanupPhase, type FlowEventSink, type Phase, type PhaseTiming } from '../provision/index.js';
import { loadState, machineRecords, stateObjectName } from '../state/index.js';
import { printableExcerpt } from '../state/printable-excerpt.js';
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
 * *and* every instance carrying its ownership tag, then the provider's shared resources,
 * then the environment's storage, provider-state last. A provider-state that is missing,
 * corrupt (empty, binary, bad YAML, wrong shape) or unreadable never stops it: it warns
 * (a `warning` event naming the object and what is wrong, none of its bytes) and
 * destroys what the tag query finds. Best-effort: it keeps going past failures and
 * reports all of them in `failures`. Idempotent: a second run, or one after a crash
 * half-way, finishes the job; destroying an environment that is already gone succeeds
 * with nothing to do. provider-state is kept while instances may remain (one would not
 * stop, or the tag query failed), so that the next run still knows them.
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
  // Each step reports what it could not remove as it finds it, and then ends failed: no display marks it done.
  const step = (phase: Phase, run: (failures: DestroyFailure[]) => Promise<void>): Promise<unknown> =>
    runCleanupPhase({
      phase,
      onEvent,
      timings,
      run: async (report) => {
        const found: DestroyFailure[] = [];
        try {
          await run(found);
        } finally {
          failures.push(...found);
          for (const failure of found) report({ type: 'cleanup.failed', resource: failure.resource, message: failure.error.message });
        }
      },
    });
  let found: FoundInstances = { ids: [], listed: false };
  let stopped: { stopped: readonly string[]; failures: readonly DestroyFailure[] } = { stopped: [], failures: [] };
  await step('find-instances', async (failed) => {
    found = await findInstances({ ...params, failures: failed });
  });
  await step('stop-instances', async (failed) => {
    stopped = await stopEach({ environ, ids: found.ids, ...signalOf(params) });
    failed.push(...stopped.failures);
  });
  await step('teardown', async (failed) => {
    try {
      const result = await tearDownEnviron(environ, signalOf(params));
      removed.push(...result.removed);
      failed.push(...result.failures);
    } catch (error) {
      failed.push({ resource: 'shared resources', error: asError(error) });
    }
  });
  const remain = whatMayRemain({ stopFailed: stopped.failures.length > 0, listed: found.listed });
  await step('remove-storage', (failed) => removeStorage({ ...params, remain, removed, failures: failed }));
  return { stoppedInstances: stopped.stopped, removed, failures, phases: timings, elapsedMs: Math.round(performance.now() - started) };
}

interface FoundInstances {
  readonly ids: readonly string[];
  /** Whether the tag query answered: only then is every instance known. */
  readonly listed: boolean;
}

/**
 * Instance ids from provider-state and from the tag query; either may fail alone. A
 * provider-state that is missing, corrupt or unreadable is no reason to stop: every
 * instance carries the ownership tag, so the tag query finds them all.
 */
async function findInstances(params: DestroyParams & { readonly failures: DestroyFailure[] }): Promise<FoundInstances> {
  const { environ } = params;
  const ids = new Set<string>();
  try {
    const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
    for (const id of state.stateInstances) ids.add(id);
    for (const machine of machineRecords(state)) ids.add(machine.instanceId);
  } catch (error) {
    if (isCancelled(error)) throw error;
    if (!isNotBootstrapped(error)) params.onEvent?.({ type: 'warning', message: unusableStateWarning(environ, error) });
  }
  try {
    for (const instance of await environ.allInstances(signalOf(params))) ids.add(instance.id);
  } catch (error) {
    params.failures.push({ resource: 'instance listing by tag', error: asError(error) });
    return { ids: [...ids], listed: false };
  }
  return { ids: [...ids], listed: true };
}

/** Names the object and what is wrong with it, quoting none of its bytes. */
function unusableStateWarning(environ: Environ, error: unknown): string {
  const where = `${stateObjectName} in ${environ.storage().description}`;
  const corrupt = findInChain(error, ErrorCode.StateCorrupt) as { problem?: unknown } | undefined;
  const what =
    corrupt === undefined
      ? `cannot read ${where}: ${printableExcerpt(messageOf(error), 200)}`
      : `${where} is corrupt: ${typeof corrupt.problem === 'string' ? corrupt.problem : printableExcerpt(messageOf(corrupt), 200)}`;
  return `${what}; destroying every instance tagged as environment ${environ.environment.uuid} instead, and removing the object last`;
}

/**
 * Why provider-state must stay, if it must: it records instances that may still run. Without
 * a full tag listing it may be the only record of them.
 */
function whatMayRemain(params: { stopFailed: boolean; listed: boolean }): string | undefined {
  if (params.stopFailed) return 'instances remain';
  return params.listed ? undefined : 'the instances could not be listed by tag';
}

/** Removes the environment's storage, provider-state included, unless something may still need it. */
async function removeStorage(params: DestroyParams & { remain: string | undefined; removed: string[]; failures: DestroyFailure[] }): Promise<void> {
  const storage = params.environ.storage();
  if (params.remain !== undefined) {
    params.onEvent?.({ type: 'cleanup.kept', resource: `provider-state in ${storage.description}`, reason: `${params.remain}; run destroy again` });
    return;
  }
  try {
    await storage.removeAll(signalOf(params));
    params.removed.push(`provider-state and the environment's other files in ${storage.description}`);
  } catch (error) {
    params.failures.push({ resource: `provider-state and the environment's other files in ${storage.description}`, error: asError(error) });
  }
}
