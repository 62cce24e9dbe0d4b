import { ConfigError, type Problem } from '../errors/index.js';
import type { Environ } from '../provider/index.js';
import { runPhase, type FlowEventSink, type PhaseTiming } from '../provision/index.js';
import { forgetMachines, loadState, machineRecords, type MachineRecord } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import { stopEach } from './stop-each.js';

export interface RemoveMachinesParams {
  readonly environ: Environ;
  /** envboot machine ids (`1`, `2`, …); the controller, `0`, is removed only by destroy. */
  readonly machineIds: readonly string[];
  readonly onEvent?: FlowEventSink;
  readonly signal?: AbortSignal;
}

export interface RemoveMachinesResult {
  readonly removed: readonly { readonly machineId: string; readonly instanceId: string }[];
  readonly failures: readonly { readonly resource: string; readonly error: Error }[];
  readonly phases: readonly PhaseTiming[];
}

/**
 * Stops the given machines' instances (waiting until they are gone) and removes them
 * from provider-state. Bad ids — malformed, unknown, or the controller — fail with
 * `CONFIG_INVALID` listing every one, before anything is stopped. Best-effort past that:
 * a machine that cannot be stopped stays recorded and is reported; the others go.
 * Idempotent for machines already gone from the cloud.
 */
export async function removeMachines(params: RemoveMachinesParams): Promise<RemoveMachinesResult> {
  const { environ } = params;
  const timings: PhaseTiming[] = [];
  const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
  const records = machineRecords(state);
  const targets = resolve(params.machineIds, records);
  const stopped = await runPhase({
    phase: 'stop-instances',
    onEvent: params.onEvent,
    timings,
    run: () => stopEach({ environ, ids: targets.map((m) => m.instanceId), ...signalOf(params) }),
  });
  const gone = targets.filter((m) => stopped.stopped.includes(m.instanceId));
  if (gone.length > 0) {
    await runPhase({
      phase: 'record-state',
      onEvent: params.onEvent,
      timings,
      run: () => forgetMachines({ storage: environ.storage(), instanceIds: gone.map((m) => m.instanceId), ...signalOf(params) }),
    });
  }
  return {
    removed: gone.map((m) => ({ machineId: m.id, instanceId: m.instanceId })),
    failures: stopped.failures,
    phases: timings,
  };
}

function resolve(ids: readonly string[], records: readonly MachineRecord[]): MachineRecord[] {
  const problems: Problem[] = [];
  const found: MachineRecord[] = [];
  const known = records.map((r) => r.id);
  for (const id of new Set(ids)) {
    const record = records.find((r) => r.id === id);
    if (!/^(0|[1-9][0-9]*)$/.test(id)) problems.push({ path: id, message: 'is not a machine id; machine ids are whole numbers such as 1' });
    else if (id === '0') problems.push({ path: id, message: 'is the controller; run "envboot destroy" to remove the whole environment' });
    else if (record === undefined) problems.push({ path: id, message: `no such machine; the machines are: ${known.join(', ') || 'none'}` });
    else found.push(record);
  }
  if (ids.length === 0) problems.push({ path: '', message: 'name at least one machine id to remove' });
  if (problems.length > 0) throw new ConfigError('cannot remove machines; nothing was removed', { problems });
  return found;
}
