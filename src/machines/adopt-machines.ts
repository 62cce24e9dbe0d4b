import { asError, ConfigError, HostKeyMismatchError, isCancelled, messageOf, PreconditionFailedError, throwIfCancelled } from '../errors/index.js';
import { hasUserData, type Environ, type Instance, type UserDataEnviron } from '../provider/index.js';
import { proofFromUserData, runPhase, waitForMachine, type FlowEventSink, type MachineTimeouts, type PhaseTiming } from '../provision/index.js';
import { fingerprint, publicKeyBlob, publicKeyLine, type SshKeyPair } from '../ssh/index.js';
import { loadState, machineRecords, recordMachine, reserveMachineIds } from '../state/index.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { signalOf } from '../util/optional.js';
import { hostKeyAlone, type HostKeyAlone } from '../wait-ssh/index.js';
import { adoptionTargets } from './adoption-targets.js';

export interface AdoptMachinesParams {
  readonly environ: Environ;
  /** Ids of instances carrying the environment's tag that provider-state does not record (`status` lists them). */
  readonly instanceIds: readonly string[];
  /** The environment's client key: what the instances' user-data let log in. */
  readonly clientKey: SshKeyPair;
  /**
   * Host public key lines (`ssh-ed25519 AAAA…`) the operator vouches for: each instance
   * must present one of them. Needed where the provider cannot read user-data back (the
   * key alone then proves the machine; see `hostKeyAlone`); elsewhere a further check.
   */
  readonly hostKeys?: readonly string[] | undefined;
  /** The user to log in as; default the instance's own, else the Environ's `sshUser`. */
  readonly user?: string | undefined;
  /** The wait for each instance to answer and be proven. Default 60 s: an instance left unrecorded booted long ago. */
  readonly timeouts?: Pick<MachineTimeouts, 'waitSshMs' | 'waitSshTunables'> | undefined;
  /** Instances proven at once. Default 10. */
  readonly concurrency?: number | undefined;
  /**
   * Asked of each instance's machine id before it is proven: a reason to leave it alone (a
   * run that is still adding that machine, see the CLI's proof files), or undefined.
   */
  readonly leaveAlone?: ((machineId: string) => Promise<string | undefined>) | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** An instance recorded as a machine. */
export interface AdoptedMachine {
  readonly machineId: string;
  readonly instance: Instance;
  /** The host keys pinned for it (provider-state's record). */
  readonly hostKeys: readonly string[];
  /** The user it is reached as. */
  readonly user: string;
  /** What proved it: its user-data's host key and nonce, or a host key the operator gave. */
  readonly provenBy: 'user-data' | 'host-key';
}

/** An instance left unrecorded, and why (an envboot error: its `code` classifies it). */
export interface AdoptRefusal {
  readonly instanceId: string;
  /** The machine id it would have had, when it got as far as having one. */
  readonly machineId?: string;
  readonly error: Error;
}

export interface AdoptMachinesResult {
  readonly adopted: readonly AdoptedMachine[];
  readonly refused: readonly AdoptRefusal[];
  readonly phases: readonly PhaseTiming[];
}

const defaultWaitMs = 60_000;
/** A POSIX login name, as useradd takes it. */
const userName = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/**
 * Records as machines instances that carry the environment's ownership tag but that
 * provider-state does not list (a run killed between starting and recording them), once
 * each is proven over SSH through the environment's route: by the host key and nonce its
 * user-data holds, where the provider can read user-data back (`hasUserData`), else by a
 * host key the operator gave. Each keeps the machine id its tag names unless another
 * machine has it (then it gets a fresh one); it is recorded ready, with its zone, host
 * keys and user, but not configured (`envboot configure` applies a cloud-config).
 *
 * Bad input fails with `CONFIG_INVALID` before anything is proven or written: no ids, a
 * malformed host key, ids that name no unrecorded instance of the environment (recorded
 * ones, unknown ones), or a provider that cannot read user-data back with no host key
 * given. An instance that is gone or failed, machine 0 (`bootstrap --resume` goes on with
 * it), or one that cannot be proven is refused with the reason; the others are adopted.
 *
 * @example
 * const { adopted, refused } = await adoptMachines({ environ, instanceIds: ['i-0abc'], clientKey, signal });
 */
export async function adoptMachines(params: AdoptMachinesParams): Promise<AdoptMachinesResult> {
  const { environ } = params;
  const pinned = pinnedHostKeys(params.hostKeys ?? []);
  if (params.instanceIds.length === 0) throw new ConfigError('name at least one instance id to adopt ("envboot status" lists the unrecorded ones)');
  if (params.user !== undefined && !userName.test(params.user)) {
    throw new ConfigError(`--user "${params.user.slice(0, 40)}" is not a user name (letters, digits, "_", "." and "-", starting with a letter or "_"); nothing was adopted`);
  }
  if (!hasUserData(environ) && pinned.length === 0) {
    throw new ConfigError(
      `the ${environ.provider} provider cannot read an instance's user-data back, so nothing proves which machine answers: give its host public key with --host-key ` +
        '(from the machine\'s console, or "ssh-keyscan" run where nobody can stand in between); nothing was adopted',
    );
  }
  const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
  const listed = await environ.allInstances(signalOf(params));
  const targets = adoptionTargets({ environment: environ.environment, state, listed, instanceIds: params.instanceIds });
  const needing = targets.candidates.filter((c) => c.machineId === undefined).length;
  const fresh = needing === 0 ? [] : await reserveMachineIds({ storage: environ.storage(), count: needing, ...signalOf(params) });
  const numbered = targets.candidates.map((candidate) => ({ instance: candidate.instance, machineId: candidate.machineId ?? fresh.shift() ?? '' }));
  const phases: PhaseTiming[] = [];
  const settled = await mapConcurrent(numbered, params.concurrency ?? 10, (candidate) => adoptOne({ ...params, pinned, phases }, candidate));
  const adopted: AdoptedMachine[] = [];
  const refused: AdoptRefusal[] = targets.refused.map((r) => ({ instanceId: r.instanceId, error: r.error }));
  settled.forEach((outcome, index) => {
    const candidate = numbered[index];
    if (outcome.status === 'fulfilled') adopted.push(outcome.value);
    else if (candidate !== undefined) refused.push({ instanceId: candidate.instance.id, machineId: candidate.machineId, error: asError(outcome.reason) });
  });
  return { adopted, refused, phases };
}

/** What proves one instance, and where it came from. */
interface Proof {
  readonly hostKeys: readonly string[];
  readonly nonce: string | HostKeyAlone;
  readonly by: AdoptedMachine['provenBy'];
}

interface AdoptOneParams extends AdoptMachinesParams {
  readonly pinned: readonly string[];
  readonly phases: PhaseTiming[];
}

/** Proves one instance, then records it; throws why it cannot be adopted. */
async function adoptOne(params: AdoptOneParams, candidate: { instance: Instance; machineId: string }): Promise<AdoptedMachine> {
  const { environ, onEvent } = params;
  const { instance, machineId } = candidate;
  throwIfCancelled(params.signal, `adopting instance ${instance.id}`);
  const busy = await params.leaveAlone?.(machineId);
  if (busy !== undefined) throw new PreconditionFailedError(`instance ${instance.id} is left alone: ${busy}`);
  const proof = await proofOf(params, instance);
  const user = params.user ?? instance.sshUser ?? environ.sshUser;
  const waited = await runPhase({
    phase: 'wait-ssh',
    machineId,
    onEvent,
    timings: params.phases,
    run: () =>
      waitForMachine({
        environ,
        machineId,
        instanceId: instance.id,
        user,
        hostKeys: proof.hostKeys,
        clientKey: params.clientKey,
        secrets: { nonce: proof.nonce },
        timeouts: { waitSshMs: params.timeouts?.waitSshMs ?? defaultWaitMs, ...(params.timeouts?.waitSshTunables === undefined ? {} : { waitSshTunables: params.timeouts.waitSshTunables }) },
        ...(onEvent === undefined ? {} : { onEvent }),
        ...signalOf(params),
      }),
  });
  waited.connection.close();
  const [latest] = await environ.instances({ ids: [instance.id], ...signalOf(params) });
  const seen = latest ?? instance;
  await runPhase({
    phase: 'record-state',
    machineId,
    onEvent,
    timings: params.phases,
    run: () =>
      recordMachine({
        storage: environ.storage(),
        machine: {
          id: machineId,
          instanceId: instance.id,
          hostKeys: proof.hostKeys,
          ...(seen.zone === undefined ? {} : { zone: seen.zone }),
          ...(user === environ.sshUser ? {} : { user }),
        },
        // Recorded meanwhile (the run that started it was still alive after all): never overwrite a machine.
        guard: (state) => {
          const now = machineRecords(state).find((m) => m.id === machineId);
          // ConfigError, as for an id recorded already: a PreconditionFailed here would be retried by updateState.
          if (now !== undefined && now.instanceId !== instance.id) throw new ConfigError(`machine ${machineId} was recorded for instance ${now.instanceId} meanwhile; instance ${instance.id} was not adopted`);
          if (now !== undefined) throw new ConfigError(`instance ${instance.id} was recorded as machine ${machineId} meanwhile: it is adopted already`);
        },
        ...signalOf(params),
      }),
  });
  return { machineId, instance: seen, hostKeys: proof.hostKeys, user, provenBy: proof.by };
}

/**
 * The host keys to pin and the nonce to read. From the user-data where the provider can
 * read it back: its host keys (when the operator gave keys too, one of them must be among
 * them) and its nonce. Else the operator's keys alone.
 */
async function proofOf(params: AdoptOneParams, instance: Instance): Promise<Proof> {
  const { environ, pinned } = params;
  const bytes = hasUserData(environ) ? await readUserData(params, environ, instance.id) : undefined;
  const read = bytes === undefined ? undefined : proofFromUserData(bytes);
  if (read === undefined) {
    if (pinned.length > 0) return { hostKeys: pinned, nonce: hostKeyAlone, by: 'host-key' };
    throw new ConfigError(
      `the user-data of instance ${instance.id} holds no host key envboot can prove it by: give its host public key with --host-key ` +
        '(from the machine\'s console, or "ssh-keyscan" run where nobody can stand in between)',
    );
  }
  if (pinned.length > 0 && !read.hostKeys.some((line) => pinned.includes(publicKeyLine(line) ?? line))) {
    throw new HostKeyMismatchError(
      `instance ${instance.id} was started with host key ${read.hostKeys.map(describeKey).join(' or ')}, not the ${pinned.map(describeKey).join(' or ')} given with --host-key: ` +
        'it is not the machine that key was taken from; check where the key came from',
    );
  }
  // User-data without a nonce file (not envboot's own) still names the key the instance was given.
  return { hostKeys: read.hostKeys, nonce: read.nonce ?? hostKeyAlone, by: 'user-data' };
}

/**
 * The instance's user-data; when the cloud will not give it (a missing permission) and the
 * operator gave host keys, undefined with a warning: those keys prove it instead.
 */
async function readUserData(params: AdoptOneParams, environ: UserDataEnviron, id: string): Promise<Uint8Array | undefined> {
  try {
    return await environ.instanceUserData({ id, ...signalOf(params) });
  } catch (error) {
    if (params.pinned.length === 0 || isCancelled(error)) throw error;
    params.onEvent?.({ type: 'warning', message: `reading the user-data of instance ${id} failed (${messageOf(error)}); proving it by the host key given` });
    return undefined;
  }
}

/** The operator's keys as `type base64` lines; every malformed one is reported at once. */
function pinnedHostKeys(lines: readonly string[]): string[] {
  const keys = lines.map((line) => ({ line, key: publicKeyLine(line) }));
  const bad = keys.filter((k) => k.key === undefined);
  if (bad.length > 0) {
    throw new ConfigError('host keys must be OpenSSH public key lines ("ssh-ed25519 AAAA… comment"); nothing was adopted', {
      problems: bad.map((k) => ({ path: 'host-key', message: `"${k.line.length > 40 ? `${k.line.slice(0, 40)}…` : k.line}" is not one` })),
    });
  }
  return [...new Set(keys.map((k) => k.key as string))];
}

/** A key's fingerprint for messages; its type for a line that is no key. */
function describeKey(line: string): string {
  try {
    return fingerprint(publicKeyBlob(line));
  } catch {
    return `a ${line.trim().split(/\s+/)[0] ?? ''} key that does not parse`;
  }
}
