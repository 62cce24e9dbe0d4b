import { isInstanceFailed, isTimeout, withConsole } from '../errors/index.js';
import { jumpTargetOf, routeAddresses, sshRouteOf, type Environ } from '../provider/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { signalOf } from '../util/optional.js';
import { isHostKeyAlone, waitSSH, type HostKeyAlone, type WaitSshResult } from '../wait-ssh/index.js';
import type { FlowEventSink } from './events.js';
import type { MachineUserData } from './machine-user-data.js';
import type { MachineTimeouts } from './provision-machine.js';
import { readConsole } from './read-console.js';

export interface WaitForMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  readonly instanceId: string;
  readonly user: string;
  readonly hostKeys: readonly string[];
  readonly clientKey: SshKeyPair;
  /**
   * The machine's own secrets: its nonce proves it, and none of them may reach an error.
   * A machine being resumed has only its nonce (its key pair and user-data were this
   * client's, in memory, in the run that started it); one adopted with a host key its
   * operator pinned has none (`hostKeyAlone`: the host key alone proves it).
   */
  readonly secrets: { readonly nonce: string | HostKeyAlone } & Partial<Pick<MachineUserData, 'hostKey' | 'userData'>>;
  readonly timeouts?: MachineTimeouts;
  readonly onEvent?: FlowEventSink;
  readonly signal?: AbortSignal;
}

/**
 * waitSSH for one provisioned machine, through the environment's SSH route. When the
 * machine never answered (`TIMEOUT`) or the provider gave up on it (`INSTANCE_FAILED`),
 * the error carries the end of its console, when the provider has one: what the machine
 * printed is usually the reason (a kernel panic, a disk that did not mount, sshd that
 * failed to start). The console is redacted of the machine's secrets.
 */
export async function waitForMachine(params: WaitForMachineParams): Promise<WaitSshResult> {
  const { environ, instanceId: id, onEvent, machineId } = params;
  const route = await sshRouteOf(environ, signalOf(params));
  const jumpHost = jumpTargetOf(route, params.clientKey.privateKey);
  try {
    return await waitSSH({
      instance: {
        id,
        refresh: async ({ signal }) => {
          const [view] = await environ.instances({ ids: [id], ...signalOf({ signal }) });
          if (view === undefined) return { status: 'terminated', addresses: [], statusMessage: 'the provider no longer lists it' };
          return { ...view, addresses: routeAddresses(route, view.addresses) };
        },
      },
      ...(jumpHost === undefined ? {} : { jumpHost }),
      user: params.user,
      privateKey: params.clientKey.privateKey,
      hostKeys: params.hostKeys,
      nonce: params.secrets.nonce,
      ...(params.timeouts?.waitSshMs === undefined ? {} : { timeoutMs: params.timeouts.waitSshMs }),
      ...(params.timeouts?.waitSshTunables === undefined ? {} : { tunables: params.timeouts.waitSshTunables }),
      onEvent: (event) => onEvent?.({ type: 'wait-ssh', machineId, event }),
      ...signalOf(params),
    });
  } catch (error) {
    if (!isTimeout(error) && !isInstanceFailed(error)) throw error;
    const { nonce, hostKey, userData } = params.secrets;
    const secrets = [...(isHostKeyAlone(nonce) ? [] : [nonce]), params.clientKey.privateKey, ...(hostKey === undefined ? [] : [hostKey.privateKey]), ...(userData === undefined ? [] : [Buffer.from(userData).toString('utf8')])];
    const excerpt = await readConsole({ environ, instanceId: id, secrets, ...signalOf(params) });
    throw excerpt === undefined ? error : withConsole(error as Error, excerpt);
  }
}
