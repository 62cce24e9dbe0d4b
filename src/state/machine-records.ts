import type { Storage } from '../../storage/index.js';
import { signalOf } from '../util/optional.js';
import { loadState, updateState, type LoadedState } from './provider-state.js';
import { failureFromYaml, failureToYaml, type RecordedFailure } from './recorded-failure.js';
import type { ProviderState } from './state-document.js';

/**
 * What provider-state remembers of one machine, so that any client holding the
 * environment's key can find, verify and reach it later: its instance, zone, and the
 * host keys it was given (public halves only).
 */
export interface MachineRecord {
  /** envboot's machine id: `0` for the controller, then `1`, `2`, … never reused. */
  readonly id: string;
  readonly instanceId: string;
  readonly zone?: string;
  /** The machine's host public keys (OpenSSH lines): what SSH to it must pin. */
  readonly hostKeys: readonly string[];
  /** The user to log in as, when it is not the Environ's `sshUser`. */
  readonly user?: string;
  /** Why the machine stopped half-way, when it failed and was kept (see `recordMachineFailure`). */
  readonly failure?: RecordedFailure;
  /**
   * True from the moment the machine is recorded until it is verified and configured
   * (`markMachinesReady`): a machine whose run was killed in between stays pending, and
   * `--resume` goes on with it. Absent (an older envboot's record) means ready.
   */
  readonly pending?: boolean;
  /** When it was recorded pending (ISO 8601): how long ago a run that may still be working on it started it. */
  readonly pendingSince?: string;
}

const machinesKey = 'machines';
const nextIdKey = 'next-machine-id';
/** An instance id: no control character (a newline would start another line of known_hosts or ssh_config). */
const oneLine = /^\P{Cc}+$/u;
/** A login user: one word, no quote, not an option. */
const userName = /^[^\s\p{Cc}"'-][^\s\p{Cc}"']*$/u;

/** Every machine recorded in `state`, by machine id in numeric order. */
export function machineRecords(state: ProviderState): MachineRecord[] {
  const raw = state.fields[machinesKey];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const records: MachineRecord[] = [];
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const entry = value as { 'instance-id'?: unknown; zone?: unknown; 'host-keys'?: unknown; user?: unknown; failure?: unknown; pending?: unknown; 'pending-since'?: unknown } | null;
    if (entry === null || typeof entry !== 'object' || typeof entry['instance-id'] !== 'string') continue;
    // Ids, instance ids and users reach known_hosts, `ssh-config` blocks and `ssh user@host` on every client that
    // attached the environment: an entry anyone who can write provider-state made to break a line or start an option is no machine.
    if (!/^(0|[1-9][0-9]*)$/.test(id) || !oneLine.test(entry['instance-id'])) continue;
    const hostKeys = Array.isArray(entry['host-keys']) ? entry['host-keys'].filter((k) => typeof k === 'string') : [];
    const failure = failureFromYaml(entry.failure);
    records.push({
      id,
      instanceId: entry['instance-id'],
      hostKeys,
      ...(typeof entry.zone === 'string' ? { zone: entry.zone } : {}),
      ...(typeof entry.user === 'string' && userName.test(entry.user) ? { user: entry.user } : {}),
      ...(failure === undefined ? {} : { failure }),
      ...(entry.pending === true ? { pending: true } : {}),
      ...(entry.pending === true && typeof entry['pending-since'] === 'string' ? { pendingSince: entry['pending-since'] } : {}),
    });
  }
  return records.sort((a, b) => Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : 1));
}

export interface ReserveMachineIdsParams {
  readonly storage: Storage;
  readonly count: number;
  readonly signal?: AbortSignal;
}

/**
 * Takes the next `count` machine ids (compare-and-swap, so concurrent add-machine runs
 * never get the same id). Ids are not given back when a machine fails: as in Juju, a
 * machine id names one machine for ever.
 */
export async function reserveMachineIds(params: ReserveMachineIdsParams): Promise<string[]> {
  let first = 0;
  await updateState({
    storage: params.storage,
    update: (state) => {
      first = nextMachineId(state);
      return { ...state, fields: { ...state.fields, [nextIdKey]: first + params.count } };
    },
    ...signalOf(params),
  });
  return Array.from({ length: params.count }, (_, i) => String(first + i));
}

function nextMachineId(state: ProviderState): number {
  const stored = state.fields[nextIdKey];
  const recorded = machineRecords(state).map((m) => Number(m.id) + 1);
  const fromField = typeof stored === 'number' && Number.isSafeInteger(stored) && stored >= 0 ? stored : 0;
  return Math.max(fromField, ...recorded);
}

export interface RecordMachineParams {
  readonly storage: Storage;
  readonly machine: MachineRecord;
  /** Also list the instance under `state-instances` (the controller). */
  readonly controller?: boolean;
  /** provider-state as last read or written (see `updateState`). */
  readonly known?: LoadedState;
  /** Called with provider-state as written, and its version (see `updateState`). */
  readonly onSaved?: (saved: LoadedState) => void;
  /** Checks provider-state before the record is written, on every try; throwing writes nothing (see `assertOwnsBootstrap`). */
  readonly guard?: (state: ProviderState) => void;
  readonly signal?: AbortSignal;
}

/** Adds or replaces one machine's record (and, for a controller, its state instance). */
export function recordMachine(params: RecordMachineParams): Promise<ProviderState> {
  const { machine } = params;
  return updateState({
    storage: params.storage,
    update: (state) => {
      params.guard?.(state);
      const machines = { ...recordsField(state), [machine.id]: toYaml(machine) };
      const stateInstances =
        params.controller === true && !state.stateInstances.includes(machine.instanceId)
          ? [...state.stateInstances, machine.instanceId]
          : state.stateInstances;
      return { stateInstances, fields: { ...state.fields, [machinesKey]: machines } };
    },
    ...(params.known === undefined ? {} : { known: params.known }),
    ...(params.onSaved === undefined ? {} : { onSaved: params.onSaved }),
    ...signalOf(params),
  });
}

export interface RecordMachineFailureParams {
  readonly storage: Storage;
  readonly machineId: string;
  /** The machine's instance: a record that names another one (a newer machine's) is left alone. */
  readonly instanceId: string;
  readonly failure: RecordedFailure;
  readonly signal?: AbortSignal;
}

/**
 * Adds why a machine failed to its record, as a `failure` mapping next to its other
 * fields (which an older envboot keeps verbatim and ignores). Returns false, writing
 * nothing, when provider-state records no such machine on that instance (it failed before
 * it was recorded, or was removed meanwhile).
 */
export async function recordMachineFailure(params: RecordMachineFailureParams): Promise<boolean> {
  const recorded = (state: ProviderState): Record<string, unknown> | undefined => {
    const entry = recordsField(state)[params.machineId];
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
    return (entry as { 'instance-id'?: unknown })['instance-id'] === params.instanceId ? (entry as Record<string, unknown>) : undefined;
  };
  // Read first, so that a machine that was never recorded costs no write.
  const known = await loadState({ storage: params.storage, ...signalOf(params) });
  if (recorded(known.state) === undefined) return false;
  let found = false;
  await updateState({
    storage: params.storage,
    known,
    update: (state) => {
      const entry = recorded(state);
      found = entry !== undefined;
      if (entry === undefined) return state;
      const machines = { ...recordsField(state), [params.machineId]: { ...entry, failure: failureToYaml(params.failure) } };
      return { ...state, fields: { ...state.fields, [machinesKey]: machines } };
    },
    ...signalOf(params),
  });
  return found;
}

export interface ForgetMachinesParams {
  readonly storage: Storage;
  /** Instance ids whose machines (and state instances) to remove. */
  readonly instanceIds: readonly string[];
  readonly signal?: AbortSignal;
}

/** Removes the machines running on the given instances; ids not recorded are ignored. */
export function forgetMachines(params: ForgetMachinesParams): Promise<ProviderState> {
  const gone = new Set(params.instanceIds);
  return updateState({
    storage: params.storage,
    update: (state) => {
      const machines = Object.fromEntries(
        Object.entries(recordsField(state)).filter(([, value]) => !gone.has((value as { 'instance-id'?: string })['instance-id'] ?? '')),
      );
      return {
        stateInstances: state.stateInstances.filter((id) => !gone.has(id)),
        fields: { ...state.fields, [machinesKey]: machines },
      };
    },
    ...signalOf(params),
  });
}

/**
 * `state` with the given machines no longer pending: pure, so that a flow can fold it
 * into a write it makes anyway (bootstrap's mark of completion) instead of paying another.
 */
export function withMachinesReady(state: ProviderState, machineIds: readonly string[], instanceIds?: Readonly<Record<string, string>>): ProviderState {
  const records = recordsField(state);
  const machines = Object.fromEntries(
    Object.entries(records).map(([id, value]) => {
      if (!machineIds.includes(id) || value === null || typeof value !== 'object' || Array.isArray(value)) return [id, value];
      // A record that names another instance now (the machine was replaced meanwhile) is not the machine that is ready.
      const expected = instanceIds?.[id];
      if (expected !== undefined && (value as { 'instance-id'?: unknown })['instance-id'] !== expected) return [id, value];
      const kept = { ...(value as Record<string, unknown>) };
      delete kept['pending'];
      delete kept['pending-since'];
      return [id, kept];
    }),
  );
  return { ...state, fields: { ...state.fields, [machinesKey]: machines } };
}

export interface MarkMachinesReadyParams {
  readonly storage: Storage;
  readonly machineIds: readonly string[];
  /** The instance each machine id must still name for its record to be marked; unchecked for ids not given. */
  readonly instanceIds?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** Marks machines verified and configured (one compare-and-swap write for them all). */
export function markMachinesReady(params: MarkMachinesReadyParams): Promise<ProviderState> {
  return updateState({ storage: params.storage, update: (state) => withMachinesReady(state, params.machineIds, params.instanceIds), ...signalOf(params) });
}

function recordsField(state: ProviderState): Record<string, unknown> {
  const raw = state.fields[machinesKey];
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

function toYaml(machine: MachineRecord): Record<string, unknown> {
  return {
    'instance-id': machine.instanceId,
    ...(machine.zone === undefined ? {} : { zone: machine.zone }),
    'host-keys': [...machine.hostKeys],
    ...(machine.user === undefined ? {} : { user: machine.user }),
    ...(machine.failure === undefined ? {} : { failure: failureToYaml(machine.failure) }),
    ...(machine.pending === true ? { pending: true, 'pending-since': machine.pendingSince ?? new Date().toISOString() } : {}),
  };
}

export interface ClearMachineFailureParams {
  readonly storage: Storage;
  readonly machineId: string;
  /** The machine's instance: a record that names another one (a newer machine's) is left alone. */
  readonly instanceId: string;
  readonly signal?: AbortSignal;
}

/**
 * Removes the `failure` a machine's record carries (see `recordMachineFailure`), once the
 * machine has been put right (`envboot configure` succeeded on it), so that `status` no
 * longer reports it broken. Returns false, writing nothing, when the record on that
 * instance has no failure, or provider-state records no such machine.
 */
export async function clearMachineFailure(params: ClearMachineFailureParams): Promise<boolean> {
  const failed = (state: ProviderState): Record<string, unknown> | undefined => {
    const entry = recordsField(state)[params.machineId];
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
    const fields = entry as Record<string, unknown>;
    return fields['instance-id'] === params.instanceId && 'failure' in fields ? fields : undefined;
  };
  // Read first, so that a machine with nothing to clear costs no write.
  const known = await loadState({ storage: params.storage, ...signalOf(params) });
  if (failed(known.state) === undefined) return false;
  let cleared = false;
  await updateState({
    storage: params.storage,
    known,
    update: (state) => {
      const entry = failed(state);
      cleared = entry !== undefined;
      if (entry === undefined) return state;
      const machines = { ...recordsField(state), [params.machineId]: Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'failure')) };
      return { ...state, fields: { ...state.fields, [machinesKey]: machines } };
    },
    ...signalOf(params),
  });
  return cleared;
}
