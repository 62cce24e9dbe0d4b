import { hasMachineProxies, type CloudConfig, type MachineProxySettings } from '../../cloudinit/index.js';
import { configureMachine } from '../configure/index.js';
import type { Environ, Instance } from '../provider/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import type { HostKeyAlone } from '../wait-ssh/index.js';
import { signalOf } from '../util/optional.js';
import type { FlowEventSink } from './events.js';
import type { MachineUserData } from './machine-user-data.js';
import { runPhase, type PhaseTiming } from './phase.js';
import type { MachineTimeouts, ProvisionedMachine } from './provision-machine.js';
import { waitForMachine } from './wait-for-machine.js';

export interface FinishMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  /** The instance as last seen: its addresses and hardware stand in if the read-back finds nothing. */
  readonly instance: Instance;
  readonly user: string;
  /** The host keys to pin (provider-state's record of the machine). */
  readonly hostKeys: readonly string[];
  readonly clientKey: SshKeyPair;
  /** The nonce (or `hostKeyAlone` for a machine whose nonce nobody has), and the secrets no error may show. */
  readonly secrets: { readonly nonce: string | HostKeyAlone } & Partial<Pick<MachineUserData, 'hostKey' | 'userData'>>;
  readonly config?: CloudConfig | undefined;
  /** The environment's proxies and apt mirror: with them, the machine is configured even without a config. */
  readonly proxies?: MachineProxySettings | undefined;
  readonly timeouts?: MachineTimeouts | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly timings: PhaseTiming[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * The end of a machine's provisioning, the same for a new machine and for one a resumed
 * run reaches again: waitSSH (host key pinned, nonce proved), configure, then read the
 * instance back for the addresses and hardware it settled on. Throws what failed; the
 * caller decides what to release.
 */
export async function finishMachine(params: FinishMachineParams): Promise<Omit<ProvisionedMachine, 'recordedState'>> {
  const { environ, machineId, onEvent } = params;
  const phase = { machineId, onEvent, timings: params.timings };
  const id = params.instance.id;
  const waited = await runPhase({
    ...phase,
    phase: 'wait-ssh',
    run: () =>
      waitForMachine({
        environ,
        machineId,
        instanceId: id,
        user: params.user,
        hostKeys: params.hostKeys,
        clientKey: params.clientKey,
        secrets: params.secrets,
        ...(params.timeouts === undefined ? {} : { timeouts: params.timeouts }),
        ...(onEvent === undefined ? {} : { onEvent }),
        ...signalOf(params),
      }),
  });
  try {
    const config = params.config ?? (hasMachineProxies(params.proxies) ? {} : undefined);
    if (config !== undefined) {
      await runPhase({
        ...phase,
        phase: 'configure',
        run: () =>
          configureMachine({
            connection: waited.connection,
            config,
            proxies: params.proxies,
            ...(params.timeouts?.configureMs === undefined ? {} : { timeoutMs: params.timeouts.configureMs }),
            onEvent: (event) => onEvent?.({ type: 'configure', machineId, event }),
            ...signalOf(params),
          }),
      });
    }
  } finally {
    waited.connection.close();
  }
  const [latest] = await environ.instances({ ids: [id], ...signalOf(params) });
  const instance = latest ?? params.instance;
  const hardware = instance.hardware ?? params.instance.hardware;
  return {
    id: machineId,
    instance,
    addresses: instance.addresses,
    hostKeys: params.hostKeys,
    connectedAddress: waited.address,
    ...(instance.zone === undefined ? {} : { zone: instance.zone }),
    ...(hardware === undefined ? {} : { hardware }),
  };
}
