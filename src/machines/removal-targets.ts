import { ConfigError, type Problem } from '../errors/index.js';
import { TagKey, type Environ, type Instance } from '../provider/index.js';
import { machineRecords, type MachineRecord, type ProviderState } from '../state/index.js';
import { signalOf } from '../util/optional.js';

export interface RemovalTargetsParams {
  readonly environ: Environ;
  /** provider-state as just read. */
  readonly state: ProviderState;
  /** Machine ids, instance ids of recorded machines, or ids of unrecorded instances. */
  readonly ids: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

const noSuchTarget = "no such machine, nor an unrecorded instance with this environment's tag";

/** What the ids given to remove-machine name, sorted by how each is removed. */
export interface RemovalTargets {
  /** Recorded machines: stopped, then forgotten by provider-state. */
  readonly machines: readonly MachineRecord[];
  /**
   * Instances that the provider lists under the environment's ownership tag but
   * provider-state does not record (a run killed between starting and recording them).
   */
  readonly unrecorded: readonly Instance[];
}

/**
 * Sorts the ids given to remove-machine into recorded machines and unrecorded instances.
 * An id may be a machine id (`2`), a recorded machine's instance id, or the id of an
 * instance the provider's tag-scoped listing (`allInstances`) finds and provider-state
 * does not record; the listing is asked only when some id is neither of the first two.
 * Refuses with `CONFIG_INVALID`, every bad id listed (and, for ids nothing matches, what
 * can be removed), before anything is stopped: the controller (by either id), ids nothing matches, and an
 * instance tagged for another environment.
 */
export async function removalTargets(params: RemovalTargetsParams): Promise<RemovalTargets> {
  const { state } = params;
  const records = machineRecords(state);
  const controllers = new Set([...state.stateInstances, ...records.filter((r) => r.id === '0').map((r) => r.instanceId)]);
  const problems: Problem[] = [];
  const machines = new Map<string, MachineRecord>();
  const unmatched: string[] = [];
  for (const id of new Set(params.ids)) {
    const record = records.find((r) => r.id === id) ?? records.find((r) => r.instanceId === id);
    if (controllers.has(id) || (record !== undefined && controllers.has(record.instanceId))) {
      problems.push({ path: id, message: 'is the controller; run "envboot destroy" to remove the whole environment' });
    } else if (record !== undefined) machines.set(record.instanceId, record);
    else unmatched.push(id);
  }
  if (params.ids.length === 0) problems.push({ path: '', message: 'name at least one machine id or unrecorded instance id to remove' });
  const listed = unmatched.length === 0 ? [] : await params.environ.allInstances(signalOf(params));
  const recorded = new Set([...controllers, ...records.map((r) => r.instanceId)]);
  const unrecorded = listed.filter((instance) => !recorded.has(instance.id));
  const found: Instance[] = [];
  for (const id of unmatched) {
    const instance = unrecorded.find((i) => i.id === id);
    const owner = instance?.tags[TagKey.EnvironmentUuid];
    if (instance === undefined) problems.push({ path: id, message: noSuchTarget });
    // The listing is tag-scoped by contract; a provider that gets that wrong must not make envboot stop another environment's machine.
    else if (owner !== undefined && owner !== params.environ.environment.uuid) {
      problems.push({ path: id, message: `carries another environment's tag (${TagKey.EnvironmentUuid}=${owner}); envboot leaves it alone` });
    } else found.push(instance);
  }
  if (problems.some((p) => p.message === noSuchTarget)) problems.push({ path: '', message: removable(records, controllers, unrecorded) });
  if (problems.length > 0) throw new ConfigError('cannot remove machines; nothing was removed', { problems });
  return { machines: [...machines.values()], unrecorded: found };
}

function removable(records: readonly MachineRecord[], controllers: ReadonlySet<string>, unrecorded: readonly Instance[]): string {
  const machines = records.filter((r) => !controllers.has(r.instanceId)).map((r) => r.id);
  const instances = unrecorded.map((i) => i.id);
  if (machines.length === 0 && instances.length === 0) return 'there is nothing to remove but the controller; "envboot destroy" removes the whole environment';
  return `what can be removed: machines ${machines.join(', ') || 'none'}; unrecorded instances ${instances.join(', ') || 'none'}`;
}
