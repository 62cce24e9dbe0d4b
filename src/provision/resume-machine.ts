import { messageOf } from '../errors/index.js';
import type { MachineStart } from '../planner/index.js';
import { hasUserData, TagKey, type Environ, type Instance } from '../provider/index.js';
import { forgetMachines, recordMachine, type LoadedState, type MachineRecord, type ProviderState } from '../state/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { hostKeyAlone, type HostKeyAlone } from '../wait-ssh/index.js';
import { signalOf } from '../util/optional.js';
import type { CloudConfig, MachineProxySettings } from '../../cloudinit/index.js';
import type { FlowEventSink } from './events.js';
import { finishMachine } from './finish-machine.js';
import { proofFromUserData } from './machine-proof.js';
import type { MachineProofKeeper } from './machine-proof-keeper.js';
import { runPhase, type PhaseTiming } from './phase.js';
import { provisionMachine, type MachineTimeouts, type ProvisionedMachine } from './provision-machine.js';
import { releaseMachine } from './release-machine.js';

export interface ResumeMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  readonly controller: boolean;
  /** provider-state's record of the machine; absent when the run was killed before recording it. */
  readonly record?: MachineRecord | undefined;
  /** Where and as what a replacement starts (the planner's decision). */
  readonly start: MachineStart;
  readonly clientKey: SshKeyPair;
  /** Every authorized client's line, for a replacement's user-data (see `ProvisionMachineParams.authorizedKeys`). */
  readonly authorizedKeys?: readonly string[] | undefined;
  readonly proofs?: MachineProofKeeper | undefined;
  /**
   * Every instance provider-state records (under any machine id): an instance carrying
   * this machine's tag that is recorded as another machine (adopted under a fresh id) is
   * not this machine's.
   */
  readonly recordedInstanceIds?: ReadonlySet<string> | undefined;
  readonly config?: CloudConfig | undefined;
  /** The environment's proxies and apt mirror (see `configureMachine`). */
  readonly proxies?: MachineProxySettings | undefined;
  readonly timeouts?: MachineTimeouts | undefined;
  readonly keepBroken?: boolean | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly timings: PhaseTiming[];
  /** Checks provider-state as the machine is recorded (see `ProvisionMachineParams.stateGuard`). */
  readonly stateGuard?: ((state: ProviderState) => void) | undefined;
  readonly knownState?: LoadedState | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly cleanupSignal?: AbortSignal | undefined;
}

/** How a resumed machine came back: reached again (recorded, or found by its tag and recorded now), or started anew. */
export type ResumeOutcome = 'reached' | 'found' | 'replaced' | 'started';

export interface ResumedMachine {
  readonly machine: ProvisionedMachine;
  readonly outcome: ResumeOutcome;
}

const gone = new Set(['terminated', 'failed', 'stopping', 'stopped']);

/**
 * Goes on with a machine whose run did not finish. Its instance (the recorded one, or one
 * carrying its machine tag that was started but never recorded) is reached again when it
 * still runs and can be proven, then configured. The proof is its nonce with its pinned
 * host key, from the proof keeper, else read back from its user-data where the provider
 * can; a recorded machine whose nonce nobody has (a manual host, a provider without the
 * user-data ability, a lost proof) is proven by its recorded host key alone, with a
 * warning. Otherwise it is stopped and forgotten, and a new machine with the same id
 * starts in its place. Any other unrecorded instance carrying the machine's tag is
 * stopped: one machine id names one machine, and no second one is left running.
 */
export async function resumeMachine(params: ResumeMachineParams): Promise<ResumedMachine> {
  const { environ, machineId, record } = params;
  const { recorded, strays } = await instancesOf(params);
  const alive = [recorded, ...strays].find((i): i is Instance => i !== undefined && !gone.has(i.status));
  let why: string;
  if (alive === undefined) {
    why = record === undefined ? 'it was never started' : `its instance ${record.instanceId} is ${recorded?.status ?? 'gone'}`;
  } else {
    const proof = await proofOf(params, alive);
    if (proof !== undefined) {
      await stopStrays(params, strays.filter((i) => i !== alive && i.status !== 'terminated'));
      return { machine: await reach(params, alive, proof), outcome: record === undefined ? 'found' : 'reached' };
    }
    why = `its instance ${alive.id} cannot be proven (no nonce kept by this client, ${hasUserData(environ) ? 'none in its user-data' : 'and the provider cannot read user-data back'}, no recorded host key)`;
  }
  const stale = [recorded, ...strays].filter((i): i is Instance => i !== undefined && i.status !== 'terminated');
  const replacing = stale.length > 0 || record !== undefined;
  if (replacing) {
    params.onEvent?.({ type: 'warning', message: `machine ${machineId}: ${why}; replacing it` });
    await discard(params, stale);
  }
  const machine = await provisionMachine({
    environ,
    machineId,
    controller: params.controller,
    start: params.start,
    clientKey: params.clientKey,
    authorizedKeys: params.authorizedKeys,
    timings: params.timings,
    config: params.config,
    proxies: params.proxies,
    timeouts: params.timeouts,
    keepBroken: params.keepBroken,
    onEvent: params.onEvent,
    proofs: params.proofs,
    stateGuard: params.stateGuard,
    knownState: replacing ? undefined : params.knownState,
    cleanupSignal: params.cleanupSignal,
    signal: params.signal,
  });
  return { machine, outcome: replacing ? 'replaced' : 'started' };
}

/**
 * The recorded instance (when the provider still lists it), and the instances carrying
 * the machine's tag that provider-state does not record: what a run killed between start
 * and record left.
 */
async function instancesOf(params: ResumeMachineParams): Promise<{ recorded: Instance | undefined; strays: Instance[] }> {
  const { environ, record } = params;
  const all = await environ.allInstances(signalOf(params));
  const known = params.recordedInstanceIds ?? new Set<string>();
  const strays = all.filter((i) => i.tags[TagKey.MachineId] === params.machineId && i.id !== record?.instanceId && !known.has(i.id));
  if (record === undefined) return { recorded: undefined, strays };
  // Asked by id: a listing by tag may lag behind, and a gone instance is still reported with its status.
  const [recorded] = await environ.instances({ ids: [record.instanceId], ...signalOf(params) });
  return { recorded, strays };
}

/** Stops unrecorded instances of the machine beside the one it goes on with. */
async function stopStrays(params: ResumeMachineParams, strays: readonly Instance[]): Promise<void> {
  if (strays.length === 0) return;
  const ids = strays.map((i) => i.id);
  params.onEvent?.({ type: 'warning', message: `machine ${params.machineId}: instance${ids.length === 1 ? '' : 's'} ${ids.join(', ')} also carr${ids.length === 1 ? 'ies' : 'y'} its tag unrecorded; stopping ${ids.length === 1 ? 'it' : 'them'} so that one machine is left` });
  await params.environ.stopInstances({ ids, waitUntilGone: true, ...signalOf(params) });
  for (const id of ids) params.onEvent?.({ type: 'cleanup.removed', resource: `instance ${id}` });
}

/** What proves the instance: a nonce with the host keys to pin, or the recorded host keys alone. */
interface ResumeProof {
  readonly hostKeys: readonly string[];
  readonly nonce: string | HostKeyAlone;
}

/**
 * The kept proof when it is this instance's (its host keys match the record's); else the
 * nonce in its user-data; else, for a recorded machine, its recorded host keys alone.
 */
async function proofOf(params: ResumeMachineParams, instance: Instance): Promise<ResumeProof | undefined> {
  const withNonce = await nonceProof(params, instance);
  if (withNonce !== undefined) return withNonce;
  const recorded = params.record?.hostKeys ?? [];
  if (recorded.length === 0) return undefined;
  params.onEvent?.({
    type: 'warning',
    message: `machine ${params.machineId}: no nonce for instance ${instance.id} (none kept by this client${hasUserData(params.environ) ? ', none in its user-data' : ''}); proving it by its recorded host key alone`,
  });
  return { hostKeys: recorded, nonce: hostKeyAlone };
}

async function nonceProof(params: ResumeMachineParams, instance: Instance): Promise<ResumeProof | undefined> {
  const kept = await params.proofs?.find(params.machineId);
  const recorded = params.record?.hostKeys;
  if (kept?.nonce !== undefined && (recorded === undefined || kept.hostKeys.some((key) => recorded.includes(key)))) {
    return { hostKeys: recorded ?? kept.hostKeys, nonce: kept.nonce };
  }
  const { environ } = params;
  if (!hasUserData(environ)) return undefined;
  const bytes = await environ.instanceUserData({ id: instance.id, ...signalOf(params) }).catch(() => undefined);
  const read = bytes === undefined ? undefined : proofFromUserData(bytes);
  if (read !== undefined && read.nonce !== undefined && (recorded === undefined || read.hostKeys.some((key) => recorded.includes(key)))) {
    return { hostKeys: recorded ?? read.hostKeys, nonce: read.nonce };
  }
  return undefined;
}

/** Records a found instance (pending) when it was not, then waits for it and configures it; a failure releases it as a new machine's would. */
async function reach(params: ResumeMachineParams, instance: Instance, proof: ResumeProof): Promise<ProvisionedMachine> {
  const { environ, machineId, onEvent, timings } = params;
  const user = params.record?.user ?? instance.sshUser;
  try {
    let recordedState: LoadedState | undefined;
    if (params.record === undefined) {
      await runPhase({
        phase: 'record-state',
        machineId,
        onEvent,
        timings,
        run: () =>
          recordMachine({
            storage: environ.storage(),
            machine: {
              id: machineId,
              instanceId: instance.id,
              hostKeys: proof.hostKeys,
              pending: true,
              ...(instance.zone === undefined ? {} : { zone: instance.zone }),
              ...(user === undefined ? {} : { user }),
            },
            controller: params.controller,
            ...(params.stateGuard === undefined ? {} : { guard: params.stateGuard }),
            onSaved: (saved) => {
              recordedState = saved;
            },
            ...signalOf(params),
          }),
      });
    }
    const finished = await finishMachine({
      environ,
      machineId,
      instance,
      user: user ?? environ.sshUser,
      hostKeys: proof.hostKeys,
      clientKey: params.clientKey,
      secrets: { nonce: proof.nonce },
      config: params.config,
      proxies: params.proxies,
      timeouts: params.timeouts,
      onEvent,
      timings,
      signal: params.signal,
    });
    return { ...finished, ...(recordedState === undefined ? {} : { recordedState }) };
  } catch (error) {
    const released = await releaseMachine({
      environ,
      machineId,
      instanceId: instance.id,
      stateGuard: params.stateGuard,
      keepBroken: params.keepBroken === true,
      error,
      timings,
      ...(onEvent === undefined ? {} : { onEvent }),
      ...(params.cleanupSignal === undefined ? {} : { signal: params.cleanupSignal }),
    });
    // Forgotten only with the machine: one left running (kept, or its clean-up cut short) can still be resumed.
    if (released) await params.proofs?.release(machineId).catch(() => undefined);
    throw error;
  }
}

/** Stops what is left of a machine that is being replaced and forgets its record. */
async function discard(params: ResumeMachineParams, instances: readonly Instance[]): Promise<void> {
  const { environ, onEvent } = params;
  await runPhase({
    phase: 'cleanup',
    machineId: params.machineId,
    onEvent,
    timings: params.timings,
    run: async () => {
      const ids = instances.map((i) => i.id);
      if (ids.length > 0) {
        await environ.stopInstances({ ids, waitUntilGone: true, ...signalOf(params) });
        for (const id of ids) onEvent?.({ type: 'cleanup.removed', resource: `instance ${id}` });
      }
      const recorded = params.record?.instanceId;
      const forget = [...new Set([...ids, ...(recorded === undefined ? [] : [recorded])])];
      if (forget.length > 0) {
        await forgetMachines({ storage: environ.storage(), instanceIds: forget, ...signalOf(params) }).catch((error: unknown) => {
          onEvent?.({ type: 'cleanup.failed', resource: `machine ${params.machineId} in provider-state`, message: messageOf(error) });
          throw error;
        });
      }
      await params.proofs?.release(params.machineId);
    },
  });
}
