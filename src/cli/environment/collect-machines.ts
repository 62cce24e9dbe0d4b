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
  readonly state: ProviderState;
  readonly machines: readonly MachineView[];
  /** Instances carrying the environment's tag that provider-state does not list (a crash between start and record). */
  readonly unrecorded: readonly Instance[];
}

/**
 * provider-state's machines joined with the provider's view of their instances, in one
 * listing call each. `state` is provider-state when the caller has just read it.
 */
export async function collectMachines(params: { environ: Environ; state?: ProviderState | undefined; signal?: AbortSignal }): Promise<CollectedMachines> {
  const { environ, signal } = params;
  const options = signal === undefined ? {} : { signal };
  const state = params.state ?? (await loadState({ storage: environ.storage(), ...options })).state;
  const records = machineRecords(state);
  const [instances, all] = await Promise.all([
    environ.instances({ ids: records.map((r) => r.instanceId), ...options }),
    environ.allInstances(options),
  ]);
  const recordedIds = new Set(records.map((r) => r.instanceId));
  return {
    state,
    machines: records.map((record, index) => ({ record, instance: instances[index], controller: state.stateInstances.includes(record.instanceId) })),
    unrecorded: all.filter((instance) => !recordedIds.has(instance.id)),
  };
}
