import { isBootstrapTakenOver, messageOf } from '../errors/index.js';
import { TagKey, type Environ } from '../provider/index.js';
import { failureFromError, forgetMachines, loadState, machineRecords, recordMachineFailure, type ProviderState } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import type { FlowEventSink, Phase } from './events.js';
import { runCleanupPhase } from './cleanup-phase.js';
import type { PhaseTiming } from './phase.js';

export interface ReleaseMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  /** The instance, when its start returned; otherwise it is looked for by its machine tag. */
  readonly instanceId?: string;
  readonly keepBroken: boolean;
  /** Why the machine failed: recorded in provider-state when the machine stays there. */
  readonly error?: unknown;
  readonly onEvent?: FlowEventSink;
  /** The timings of the run so far: the machine's unfinished phase is the one that failed. */
  readonly timings: PhaseTiming[];
  /**
   * The run's check of provider-state (a bootstrap's ownership, see `assertOwnsBootstrap`):
   * when it fails because another run took over, an instance that run recorded is its
   * own now and is kept, whatever this machine failed of.
   */
  readonly stateGuard?: ((state: ProviderState) => void) | undefined;
  /** Aborting gives up the clean-up and reports what was left. */
  readonly signal?: AbortSignal;
}

/**
 * Undoes a machine that failed half-way (true when nothing of it is left): stops its instance (also one whose start was
 * interrupted before the provider answered, found by its machine tag) and removes its
 * record from provider-state. A machine that stays recorded (kept on purpose, or because
 * its instance could not be stopped) gets why it failed added to its record, for
 * `status`. Never throws: what it could not remove is reported as a `cleanup.failed`
 * event, what it kept on purpose as `cleanup.kept`, a failure it could not record as a
 * `warning`.
 */
export async function releaseMachine(params: ReleaseMachineParams): Promise<boolean> {
  const { environ, onEvent } = params;
  let gone = false;
  if ((await takenOver(params)) && (await recordedByAnother(params))) {
    const what = params.instanceId ?? `machine ${params.machineId}`;
    onEvent?.({ type: 'cleanup.kept', resource: `instance ${what}`, reason: 'the run that took the bootstrap over recorded it as its own', machineId: params.machineId });
    return false;
  }
  if (params.keepBroken) {
    const what = params.instanceId ?? `machine ${params.machineId}`;
    onEvent?.({ type: 'cleanup.kept', resource: `instance ${what}`, reason: 'keep-broken was given', machineId: params.machineId });
    await recordFailure(params);
    return false;
  }
  // A clean-up that leaves something ends failed, so that no display marks it done.
  await runCleanupPhase({
    machineId: params.machineId,
    onEvent,
    timings: params.timings,
    run: async (report) => {
      let ids: string[] = params.instanceId === undefined ? [] : [params.instanceId];
      try {
        if (ids.length === 0) {
          const all = await environ.allInstances(signalOf(params));
          ids = all.filter((i) => i.tags[TagKey.MachineId] === params.machineId).map((i) => i.id);
        }
        if (ids.length > 0) await environ.stopInstances({ ids, waitUntilGone: true, ...signalOf(params) });
        for (const id of ids) report({ type: 'cleanup.removed', resource: `instance ${id}` });
      } catch (error) {
        for (const id of ids.length > 0 ? ids : [`of machine ${params.machineId}`]) {
          report({ type: 'cleanup.failed', resource: `instance ${id}`, message: messageOf(error), machineId: params.machineId });
        }
        await recordFailure(params);
        return;
      }
      if (ids.length === 0) {
        gone = true;
        return;
      }
      try {
        await forgetMachines({ storage: environ.storage(), instanceIds: ids, ...signalOf(params) });
        gone = true;
      } catch (error) {
        report({ type: 'cleanup.failed', resource: `machine ${params.machineId} in provider-state`, message: messageOf(error), machineId: params.machineId });
      }
    },
  }).catch(() => undefined);
  return gone;
}

/** Best-effort: a failure to record is reported, and never replaces the machine's own error. */
async function recordFailure(params: ReleaseMachineParams): Promise<void> {
  const { instanceId } = params;
  if (instanceId === undefined || params.error === undefined) return;
  try {
    await recordMachineFailure({
      storage: params.environ.storage(),
      machineId: params.machineId,
      instanceId,
      failure: failureFromError({ phase: failedPhase(params.timings, params.machineId), error: params.error }),
      ...signalOf(params),
    });
  } catch (error) {
    params.onEvent?.({
      type: 'warning',
      message: `could not record in provider-state why machine ${params.machineId} failed (envboot status will not show it): ${messageOf(error)}`,
    });
  }
}

/** A machine's phases in the order `provisionMachine` runs them. */
const machinePhases: readonly Phase[] = ['generate-keys', 'start-instance', 'record-state', 'wait-ssh', 'configure'];

/**
 * The phase a machine failed in: the first of its phases it did not finish (phases record
 * a timing only when they finish). Past them all, the failure came while reading the
 * configured machine back: `finish`.
 */
function failedPhase(timings: readonly PhaseTiming[], machineId: string): string {
  const finished = new Set(timings.filter((t) => t.machineId === machineId).map((t) => t.phase));
  return machinePhases.find((phase) => !finished.has(phase)) ?? 'finish';
}

/** True when the run lost the bootstrap to another: its error says so, or provider-state does now. */
async function takenOver(params: ReleaseMachineParams): Promise<boolean> {
  if (isBootstrapTakenOver(params.error)) return true;
  if (params.stateGuard === undefined) return false;
  try {
    const { state } = await loadState({ storage: params.environ.storage(), ...signalOf(params) });
    params.stateGuard(state);
    return false;
  } catch (error) {
    return isBootstrapTakenOver(error);
  }
}

/** True when provider-state records the instance: after a takeover, the run that took over adopted it (see `resumeMachine`). */
async function recordedByAnother(params: ReleaseMachineParams): Promise<boolean> {
  if (params.instanceId === undefined) return false;
  try {
    const { state } = await loadState({ storage: params.environ.storage(), ...signalOf(params) });
    return machineRecords(state).some((m) => m.instanceId === params.instanceId);
  } catch {
    return false;
  }
}
