import { isNotBootstrapped } from '../../errors/index.js';
import type { Environ, Instance } from '../../provider/index.js';
import { loadState, machineRecords, type MachineRecord, type ProviderState } from '../../state/index.js';

/** A recorded machine and what the provider says of its instance now. */
export interface MachineView {
  readonly record: MachineRecord;
  /** Absent when the provider no longer knows the instance. */
  readonly instance: Instance | undefined;
  readonly controller: boolean;
}

export interface CollectedMachines {
  /** provider-state as read; absent only with `allowMissingState`, when there is none. */
  readonly state: ProviderState | undefined;
  readonly machines: readonly MachineView[];
  /** Instances carrying the environment's tag that provider-state does not list (a crash between start and record, or a lost provider-state). */
  readonly unrecorded: readonly Instance[];
}

export interface CollectMachinesParams {
  readonly environ: Environ;
  /** provider-state, when the caller has just read it. */
  readonly state?: ProviderState | undefined;
  /**
   * When provider-state is gone, list every tagged instance as unrecorded (and `state` as
   * absent) instead of failing with `NOT_BOOTSTRAPPED`: what `status` shows of an
   * environment whose state was lost, and what `destroy` would remove.
   */
  readonly allowMissingState?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * provider-state's machines joined with the provider's view of their instances, in one
 * listing call each.
 */
export async function collectMachines(params: CollectMachinesParams): Promise<CollectedMachines> {
  const { environ, signal } = params;
  const options = signal === undefined ? {} : { signal };
  const state = params.state ?? (await readState(params));
  const records = state === undefined ? [] : machineRecords(state);
  const [instances, all] = await Promise.all([
    environ.instances({ ids: records.map((r) => r.instanceId), ...options }),
    environ.allInstances(options),
  ]);
  const recordedIds = new Set(records.map((r) => r.instanceId));
  return {
    state,
    machines: records.map((record, index) => ({ record, instance: instances[index], controller: state?.stateInstances.includes(record.instanceId) === true })),
    unrecorded: all.filter((instance) => !recordedIds.has(instance.id)),
  };
}

async function readState(params: CollectMachinesParams): Promise<ProviderState | undefined> {
  try {
    return (await loadState({ storage: params.environ.storage(), ...(params.signal === undefined ? {} : { signal: params.signal }) })).state;
  } catch (error) {
    if (params.allowMissingState === true && isNotBootstrapped(error)) return undefined;
    throw error;
  }
}
