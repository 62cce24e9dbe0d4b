import type { Environ } from '../provider/index.js';
import { CleanupIncompleteError, runPhase, type FlowEventSink, type PhaseTiming } from '../provision/index.js';
import { forgetMachines, loadState } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import { removalTargets } from './removal-targets.js';
import { stopEach, type StopEachResult } from './stop-each.js';

export interface RemoveMachinesParams {
  readonly environ: Environ;
  /**
   * What to remove, each one of: an envboot machine id (`1`, `2`, …), a recorded
   * machine's instance id, or the instance id of an unrecorded instance that carries the
   * environment's ownership tag (left by a run killed between starting and recording it,
   * as `status` lists them). The controller is removed only by destroy.
   */
  readonly ids: readonly string[];
  readonly onEvent?: FlowEventSink;
  readonly signal?: AbortSignal;
}

export interface RemoveMachinesResult {
  /** Recorded machines that were stopped and forgotten. */
  readonly removed: readonly { readonly machineId: string; readonly instanceId: string }[];
  /** Instance ids of unrecorded instances that were stopped. */
  readonly removedUnrecorded: readonly string[];
  readonly failures: readonly { readonly resource: string; readonly error: Error }[];
  readonly phases: readonly PhaseTiming[];
}

/**
 * Stops the given machines' instances (waiting until they are gone) and removes them
 * from provider-state. Bad ids — the controller, ids that name neither a machine nor an
 * unrecorded instance of this environment — fail with `CONFIG_INVALID` listing every
 * one and what can be removed, before anything is stopped (see `removalTargets`).
 * Best-effort past that: a machine that cannot be stopped stays recorded and is
 * reported; the others go. Idempotent for machines already gone from the cloud.
 *
 * @example
 * await removeMachines({ environ, ids: ['2', 'i-0abc123'], signal });
 */
export async function removeMachines(params: RemoveMachinesParams): Promise<RemoveMachinesResult> {
  const { environ } = params;
  const timings: PhaseTiming[] = [];
  const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
  const targets = await removalTargets({ environ, state, ids: params.ids, signal: params.signal });
  const ids = [...targets.machines.map((m) => m.instanceId), ...targets.unrecorded.map((i) => i.id)];
  let stopped: StopEachResult = { stopped: [], failures: [] };
  await runPhase({
    phase: 'stop-instances',
    onEvent: params.onEvent,
    timings,
    run: async () => {
      stopped = await stopEach({ environ, ids, ...signalOf(params) });
      // A step that left an instance running ends failed: no display marks it done (the result lists each failure).
      if (stopped.failures.length > 0) throw new CleanupIncompleteError(stopped.failures.map((f) => f.resource));
    },
  }).catch((error: unknown) => {
    if (!(error instanceof CleanupIncompleteError)) throw error;
  });
  if (stopped.stopped.length > 0) {
    // Unrecorded ones too: a run that was still going could have recorded one since the listing.
    await runPhase({
      phase: 'record-state',
      onEvent: params.onEvent,
      timings,
      run: () => forgetMachines({ storage: environ.storage(), instanceIds: stopped.stopped, ...signalOf(params) }),
    });
  }
  return {
    removed: targets.machines.filter((m) => stopped.stopped.includes(m.instanceId)).map((m) => ({ machineId: m.id, instanceId: m.instanceId })),
    removedUnrecorded: targets.unrecorded.map((i) => i.id).filter((id) => stopped.stopped.includes(id)),
    failures: stopped.failures,
    phases: timings,
  };
}
