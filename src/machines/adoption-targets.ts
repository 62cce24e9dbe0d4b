import { ConfigError, InstanceFailedError, type EnvbootError, type Problem } from '../errors/index.js';
import { TagKey, type EnvironmentIdentity, type Instance } from '../provider/index.js';
import { machineRecords, type ProviderState } from '../state/index.js';

/** An unrecorded instance that may become a machine once it is proven. */
export interface AdoptionCandidate {
  readonly instance: Instance;
  /** The machine id its tag names, when that id is free; undefined: it needs a fresh one. */
  readonly machineId: string | undefined;
}

/** An instance that is this environment's and unrecorded, but will not be adopted, and why. */
export interface AdoptionRefusal {
  readonly instanceId: string;
  readonly error: EnvbootError;
}

export interface AdoptionTargets {
  readonly candidates: readonly AdoptionCandidate[];
  readonly refused: readonly AdoptionRefusal[];
}

/** Statuses that will never answer SSH again. */
const over = new Set(['terminated', 'failed', 'stopping', 'stopped']);

/**
 * Sorts the instance ids given to adopt. Ids that name no unrecorded instance of this
 * environment are bad input and refused together, with `CONFIG_INVALID`, before anything
 * is proven or written: one recorded already ("already machine 3"), or one the provider's
 * tag-scoped listing (`allInstances`) does not list. The rest are candidates, except
 * instances that cannot become machines: gone or failed ones, and machine 0 (the
 * controller of a bootstrap that did not finish, which `bootstrap --resume` goes on with).
 * A candidate keeps the machine id its tag names unless another machine (recorded, or an
 * earlier candidate) has it, or the tag is not a machine id.
 */
export function adoptionTargets(params: {
  readonly environment: EnvironmentIdentity;
  readonly state: ProviderState;
  readonly listed: readonly Instance[];
  readonly instanceIds: readonly string[];
}): AdoptionTargets {
  const { environment, state } = params;
  const records = machineRecords(state);
  const problems: Problem[] = [];
  const candidates: AdoptionCandidate[] = [];
  const refused: AdoptionRefusal[] = [];
  const taken = new Set(records.map((r) => r.id));
  for (const id of new Set(params.instanceIds)) {
    const record = records.find((r) => r.instanceId === id);
    const instance = params.listed.find((i) => i.id === id);
    const owner = instance?.tags[TagKey.EnvironmentUuid];
    if (record !== undefined) problems.push({ path: id, message: `is already machine ${record.id}${record.id === '0' ? ' (the controller)' : ''}` });
    else if (state.stateInstances.includes(id)) problems.push({ path: id, message: 'is already the controller (machine 0)' });
    // The listing is tag-scoped by contract; one that is not must not make envboot take another environment's machine.
    else if (instance === undefined || owner !== environment.uuid) problems.push({ path: id, message: `is not an instance of environment "${environment.name}"` });
    else if (over.has(instance.status)) {
      const why = instance.statusMessage === undefined ? '' : ` (${instance.statusMessage})`;
      refused.push({ instanceId: id, error: new InstanceFailedError(`instance ${id} is ${instance.status}${why}: it cannot become a machine; "envboot remove-machine ${environment.name} ${id}" removes what is left of it`, { instanceId: id }) });
    } else if (instance.tags[TagKey.MachineId] === '0') {
      refused.push({ instanceId: id, error: new ConfigError(`instance ${id} is machine 0, the controller of a bootstrap that did not finish: "envboot bootstrap ${environment.name} --resume" goes on with it`) });
    } else {
      const machineId = freeMachineId(instance.tags[TagKey.MachineId], taken);
      if (machineId !== undefined) taken.add(machineId);
      candidates.push({ instance, machineId });
    }
  }
  if (problems.length > 0) {
    const unrecorded = params.listed.filter((i) => !records.some((r) => r.instanceId === i.id) && !state.stateInstances.includes(i.id) && !over.has(i.status));
    problems.push({ path: '', message: `unrecorded instances that can be adopted: ${unrecorded.map((i) => i.id).join(', ') || 'none'} ("envboot status ${environment.name}" lists them)` });
    throw new ConfigError('cannot adopt these instances; nothing was adopted', { problems });
  }
  return { candidates, refused };
}

/** The tag's machine id when it is one (`3`, not `03` or `x`) and no other machine has it. */
function freeMachineId(tag: string | undefined, taken: ReadonlySet<string>): string | undefined {
  if (tag === undefined || !/^(0|[1-9]\d{0,8})$/.test(tag) || taken.has(tag)) return undefined;
  return tag;
}
