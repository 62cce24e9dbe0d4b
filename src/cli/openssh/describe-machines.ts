import { sshRouteOf } from '../../provider/index.js';
import type { CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../environment/resolve-environment.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { machineEndpoints, type MachineEndpoints } from './machine-endpoints.js';

export interface DescribedMachines extends MachineEndpoints {
  readonly environment: ResolvedEnvironment;
  readonly uuid: string;
}

/**
 * What `ssh-config` and `inventory` print from: the environment's machines as OpenSSH
 * reaches them, after rewriting the known_hosts files their settings point at from
 * provider-state (so the pins are current when another tool reads them). Needs the
 * environment's client key, which the settings name; connects to no machine.
 */
export async function describeMachines(context: CommandContext, params: { environment: string; ids: readonly string[] }): Promise<DescribedMachines> {
  const environment = await resolveEnvironment({ context, name: params.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  await requireClientKey(environment);
  const collected = await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal });
  const route = await sshRouteOf(environ, { signal: context.signal });
  const described = await machineEndpoints({ environ, dir: environment.dir, machines: collected.machines, ids: params.ids, route });
  return { ...described, environment, uuid: environ.environment.uuid };
}
