import type { CloudConfig, MachineProxySettings } from '../../cloudinit/index.js';
import { throwIfCancelled } from '../errors/index.js';
import type { MachineStart } from '../planner/index.js';
import type { Address, Environ, Hardware, Instance } from '../provider/index.js';
import { machineTags } from '../provider/index.js';
import { recordMachine, type LoadedState, type ProviderState } from '../state/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { signalOf } from '../util/optional.js';
import type { WaitSshTunables } from '../wait-ssh/index.js';
import { finishMachine } from './finish-machine.js';
import type { MachineProofKeeper } from './machine-proof-keeper.js';
import { releaseMachine } from './release-machine.js';
import type { FlowEventSink } from './events.js';
import { machineUserData } from './machine-user-data.js';
import { runPhase, type PhaseTiming } from './phase.js';
import { startInZones, type StartRequest } from './start-in-zones.js';

/** Timing knobs shared by bootstrap and add-machine. */
export interface MachineTimeouts {
  /** The whole wait for SSH and the nonce. Default 10 minutes. */
  readonly waitSshMs?: number;
  /** The whole configure run. Default 30 minutes. */
  readonly configureMs?: number;
  readonly waitSshTunables?: WaitSshTunables;
}

export interface ProvisionMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  /** Record the instance as a controller (`state-instances`) too. */
  readonly controller: boolean;
  /** Where and as what it starts: the planner's decision (`MachinePlan.machine`), passed on unchanged. */
  readonly start: MachineStart;
  readonly clientKey: SshKeyPair;
  /** Every authorized client's line (`machineKeyLines` of provider-state): put in the machine's user-data beside the client key. */
  readonly authorizedKeys?: readonly string[] | undefined;
  /** Applied over SSH once the machine is verified; nothing runs when absent. */
  readonly config?: CloudConfig | undefined;
  /** The environment's proxies and apt mirror, applied with the config (see `configureMachine`). */
  readonly proxies?: MachineProxySettings | undefined;
  readonly timeouts?: MachineTimeouts | undefined;
  /** Leave a machine that failed half-way running, for debugging. */
  readonly keepBroken?: boolean | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly timings: PhaseTiming[];
  /**
   * Where the machine's proof (host key, nonce) is kept until the caller marks it ready
   * and releases it; released here only when the machine fails and is removed.
   */
  readonly proofs?: MachineProofKeeper | undefined;
  /** Checks provider-state as the machine is recorded (a bootstrap that was taken over must not record its controller). */
  readonly stateGuard?: ((state: ProviderState) => void) | undefined;
  /** provider-state as the caller last wrote it (bootstrap's claim): recording the machine skips a read. */
  readonly knownState?: LoadedState | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Aborts the clean-up of a failed machine (the second Ctrl-C). */
  readonly cleanupSignal?: AbortSignal | undefined;
}

/** A machine that started, proved itself over SSH and was configured. */
export interface ProvisionedMachine {
  readonly id: string;
  readonly instance: Instance;
  readonly zone?: string;
  readonly addresses: readonly Address[];
  readonly hardware?: Hardware;
  /** Its host public keys: pin them for every later SSH connection. */
  readonly hostKeys: readonly string[];
  /** The address the verified connection went to. */
  readonly connectedAddress: Address;
  /** provider-state as recording this machine left it: a later update can skip reading it. */
  readonly recordedState?: LoadedState;
}

/**
 * Steps 5–9 of the bootstrap flow for one machine: keys and nonce, minimal user-data,
 * start with zone fail-over, record in provider-state, waitSSH, configure. When anything
 * fails after the instance exists, the instance is stopped and its record removed before
 * the error is rethrown (unless `keepBroken`), so no half-created machine is left.
 */
export async function provisionMachine(params: ProvisionMachineParams): Promise<ProvisionedMachine> {
  const { environ, machineId, timings, onEvent } = params;
  const phase = { machineId, onEvent, timings };
  const secrets = await runPhase({
    ...phase,
    phase: 'generate-keys',
    run: () => {
      throwIfCancelled(params.signal, `generating keys for machine ${machineId}`);
      return Promise.resolve(machineUserData({ clientPublicKey: params.clientKey.publicKey, authorizedKeys: params.authorizedKeys, machineId, capabilities: environ.capabilities }));
    },
  });
  // Kept before the instance exists: a run killed from here on can be resumed (see MachineProofKeeper).
  await params.proofs?.keep(machineId, { hostKeys: [secrets.hostKey.publicKey], nonce: secrets.nonce });
  const { zones, ...start } = params.start;
  const request: StartRequest = { ...start, machineId, userData: secrets.userData, tags: machineTags(environ.environment, machineId) };
  let instanceId: string | undefined;
  try {
    const started = await runPhase({
      ...phase,
      phase: 'start-instance',
      run: () => startInZones({ environ, request, zones, onEvent, signal: params.signal }),
    });
    instanceId = started.instance.id;
    const zone = started.instance.zone;
    // A machine that keeps its own host keys (a manual host) reports them; others have the ones in their user-data.
    const hostKeys = started.hostKeys ?? [secrets.hostKey.publicKey];
    const user = started.instance.sshUser;
    if (started.hostKeys !== undefined) await params.proofs?.keep(machineId, { hostKeys: [...hostKeys], nonce: secrets.nonce });
    let recordedState: LoadedState | undefined;
    await runPhase({
      ...phase,
      phase: 'record-state',
      run: () =>
        recordMachine({
          storage: environ.storage(),
          machine: { id: machineId, instanceId: started.instance.id, hostKeys, ...(zone === undefined ? {} : { zone }), ...(user === undefined ? {} : { user }), pending: true },
          controller: params.controller,
          ...(params.stateGuard === undefined ? {} : { guard: params.stateGuard }),
          ...(params.knownState === undefined ? {} : { known: params.knownState }),
          onSaved: (saved) => {
            recordedState = saved;
          },
          ...signalOf(params),
        }),
    });
    const finished = await finishMachine({
      environ,
      machineId,
      instance: { ...started.instance, ...(started.hardware === undefined || started.instance.hardware !== undefined ? {} : { hardware: started.hardware }) },
      user: user ?? environ.sshUser,
      hostKeys,
      clientKey: params.clientKey,
      secrets,
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
      ...(instanceId === undefined ? {} : { instanceId }),
      stateGuard: params.stateGuard,
      keepBroken: params.keepBroken === true,
      error,
      timings,
      ...(onEvent === undefined ? {} : { onEvent }),
      ...(params.cleanupSignal === undefined ? {} : { signal: params.cleanupSignal }),
    });
    // A kept machine keeps its proof: resume and configure can still reach it.
    // Forgotten only with the machine: one left running (kept, or its clean-up cut short) can still be resumed.
    if (released) await params.proofs?.release(machineId).catch(() => undefined);
    throw error;
  }
}
