import { messageOf } from '../errors/index.js';
import type { MachineStart } from '../planner/index.js';
import { hasUserData, TagKey, type Environ, type Instance } from '../provider/index.js';
import { forgetMachines, recordMachine, type LoadedState, type MachineRecord, type ProviderState } from '../state/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { signalOf } from '../util/optional.js';
import type { CloudConfig } from '../../cloudinit/index.js';
import type { FlowEventSink } from './events.js';
import { finishMachine } from './finish-machine.js';
import { proofFromUserData, type MachineProof } from './machine-proof.js';
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
  readonly proofs?: MachineProofKeeper | undefined;
  /** Why an instance that runs cannot be reached whatever proof there is (the client key it was given is lost): it is replaced. */
  readonly unreachableBecause?: string | undefined;
  readonly config?: CloudConfig | undefined;
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
 * still runs and can be proven (its pinned host key and its nonce: from the proof keeper,
 * else read back from its user-data where the provider can), then configured. Otherwise
 * it is stopped and forgotten, and a new machine with the same id starts in its place; so
 * the machine id names one machine and no second one is ever left running beside it.
 */
export async function resumeMachine(params: ResumeMachineParams): Promise<ResumedMachine> {
  const { environ, machineId, record } = params;
  const candidates = await instancesOf(params);
  const alive = candidates.find((i) => !gone.has(i.status));
  let why: string;
  if (alive !== undefined && params.unreachableBecause !== undefined) {
    why = `its instance ${alive.id} cannot be reached: ${params.unreachableBecause}`;
  } else if (alive === undefined) {
    why = record === undefined ? 'it was never started' : `its instance ${record.instanceId} is ${candidates[0]?.status ?? 'gone'}`;
  } else {
    const proof = await proofOf(params, alive);
    const hostKeys = record?.hostKeys ?? proof?.hostKeys ?? [];
    if (proof?.nonce !== undefined && hostKeys.length > 0) {
      return { machine: await reach(params, alive, { hostKeys, nonce: proof.nonce }), outcome: record === undefined ? 'found' : 'reached' };
    }
    why = `its instance ${alive.id} cannot be proven (this client kept no nonce for it${hasUserData(environ) ? ' and its user-data holds none' : ', and the provider cannot read user-data back'})`;
  }
  const stale = candidates.filter((i) => i.status !== 'terminated');
  if (stale.length > 0 || record !== undefined) {
    params.onEvent?.({ type: 'warning', message: `machine ${machineId}: ${why}; replacing it` });
    await discard(params, stale);
  }
  const machine = await provisionMachine({
    environ,
    machineId,
    controller: params.controller,
    start: params.start,
    clientKey: params.clientKey,
    timings: params.timings,
    config: params.config,
    timeouts: params.timeouts,
    keepBroken: params.keepBroken,
    onEvent: params.onEvent,
    proofs: params.proofs,
    stateGuard: params.stateGuard,
    knownState: stale.length > 0 || record !== undefined ? undefined : params.knownState,
    cleanupSignal: params.cleanupSignal,
    signal: params.signal,
  });
  return { machine, outcome: stale.length > 0 || record !== undefined ? 'replaced' : 'started' };
}

/** The recorded instance, or the instances carrying the machine's tag when none is recorded. */
async function instancesOf(params: ResumeMachineParams): Promise<readonly Instance[]> {
  const { environ, record } = params;
  if (record !== undefined) {
    const listed = await environ.instances({ ids: [record.instanceId], ...signalOf(params) });
    return listed.filter((i): i is Instance => i !== undefined);
  }
  const all = await environ.allInstances(signalOf(params));
  return all.filter((i) => i.tags[TagKey.MachineId] === params.machineId);
}

/** The kept proof when it is this instance's (its host keys match the record's); else the one in its user-data. */
async function proofOf(params: ResumeMachineParams, instance: Instance): Promise<MachineProof | undefined> {
  const kept = await params.proofs?.find(params.machineId);
  const recorded = params.record?.hostKeys;
  if (kept !== undefined && (recorded === undefined || kept.hostKeys.some((key) => recorded.includes(key)))) return kept;
  const { environ } = params;
  if (!hasUserData(environ)) return undefined;
  const bytes = await environ.instanceUserData({ id: instance.id, ...signalOf(params) }).catch(() => undefined);
  const read = bytes === undefined ? undefined : proofFromUserData(bytes);
  if (read === undefined || (recorded !== undefined && !read.hostKeys.some((key) => recorded.includes(key)))) return undefined;
  return read;
}

/** Records a found instance (pending) when it was not, then waits for it and configures it; a failure releases it as a new machine's would. */
async function reach(params: ResumeMachineParams, instance: Instance, proof: { hostKeys: readonly string[]; nonce: string }): Promise<ProvisionedMachine> {
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
      timeouts: params.timeouts,
      onEvent,
      timings,
      signal: params.signal,
    });
    return { ...finished, ...(recordedState === undefined ? {} : { recordedState }) };
  } catch (error) {
    await releaseMachine({
      environ,
      machineId,
      instanceId: instance.id,
      keepBroken: params.keepBroken === true,
      error,
      timings,
      ...(onEvent === undefined ? {} : { onEvent }),
      ...(params.cleanupSignal === undefined ? {} : { signal: params.cleanupSignal }),
    });
    if (params.keepBroken !== true) await params.proofs?.release(machineId).catch(() => undefined);
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
