import { sshRouteOf, type Address } from '../../provider/index.js';
import type { CommandContext } from '../context.js';
import { reachMachine } from '../environment/reach-machine.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { pinnedSettings, type SshSetting } from './pinned-options.js';

export interface PinnedMachine {
  /** The machine's own login user (manual hosts each have theirs), as envboot's client just logged in. */
  readonly user: string;
  readonly address: Address;
  /** What makes OpenSSH reach it as envboot does (see `pinnedSettings`). */
  readonly settings: readonly SshSetting[];
}

/**
 * What `envboot ssh` and `scp` do before OpenSSH takes over: reach and verify the machine
 * with envboot's own client (so a wrong host key or a refused key is reported as envboot
 * reports it), write the known_hosts file OpenSSH is pointed at from provider-state's host
 * keys, and pin the route (the jump host) and the settings.
 *
 * @example
 * const { user, address, settings } = await pinMachine(context, { environment: 'demo', machineId: '0' });
 */
export async function pinMachine(context: CommandContext, params: { environment: string; machineId: string }): Promise<PinnedMachine> {
  const { environment, environ, connection, address } = await reachMachine(context, params);
  const user = connection.user;
  connection.close();
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal });
  const { jumpHost } = await sshRouteOf(environ, { signal: context.signal });
  const settings = await pinnedSettings({ dir: environment.dir, environment: environment.name, machineId: params.machineId, jumpHost });
  return { user, address, settings };
}
