import { ConfigError } from '../../errors/index.js';
import { routeAddresses, type Address, type Environ, type JumpHost, type SshRoute } from '../../provider/index.js';
import type { MachineView } from '../environment/collect-machines.js';
import { hostKeyAlias } from '../records/known-hosts.js';
import { pinnedSettings, type SshSetting } from './pinned-options.js';

/** Where and as whom OpenSSH logs in to one machine, and the settings that pin it. */
export interface MachineEndpoint {
  readonly id: string;
  readonly instanceId: string;
  readonly controller: boolean;
  readonly zone: string | undefined;
  readonly status: string | undefined;
  /** The address to use (the one envboot prefers), and every address the route allows. */
  readonly address: Address;
  readonly addresses: readonly Address[];
  readonly user: string;
  readonly hostKeyAlias: string;
  readonly settings: readonly SshSetting[];
}

/** Recorded machines that cannot be reached now (instance gone, no address yet), with why. */
export interface UnreachableMachine {
  readonly id: string;
  readonly reason: string;
}

export interface MachineEndpoints {
  readonly endpoints: readonly MachineEndpoint[];
  readonly unreachable: readonly UnreachableMachine[];
  readonly jumpHost: JumpHost | undefined;
}

const scopePreference: Readonly<Record<Address['scope'], number>> = { public: 0, 'cloud-local': 1, 'machine-local': 2, 'link-local': 3 };

/**
 * The endpoints of `machines` (all, or those whose ids are given: unknown ids are
 * `CONFIG_INVALID`), without connecting: the address envboot's own client tries first
 * (the route's scopes in order, else public before cloud-local before machine-local), the
 * machine's user (its own for a manual host, else the provider's default), and the pinned
 * settings. For `ssh-config` and `inventory`, which describe machines rather than reach them.
 */
export async function machineEndpoints(params: {
  environ: Environ;
  dir: string;
  machines: readonly MachineView[];
  ids: readonly string[];
  route: SshRoute;
}): Promise<MachineEndpoints> {
  const { environ, route } = params;
  const name = environ.environment.name;
  const known = params.machines.map((m) => m.record.id);
  const missing = params.ids.filter((id) => !known.includes(id));
  if (missing.length > 0) {
    throw new ConfigError(`environment "${name}" has no machine ${missing.join(', ')}; its machines are: ${known.join(', ') || 'none'} ("envboot status ${name}" lists them)`);
  }
  const chosen = params.ids.length === 0 ? params.machines : params.machines.filter((m) => params.ids.includes(m.record.id));
  const endpoints: MachineEndpoint[] = [];
  const unreachable: UnreachableMachine[] = [];
  for (const { record, instance, controller } of chosen) {
    const gone = instance === undefined || instance.status === 'terminated' || instance.status === 'failed';
    const addresses = gone ? [] : route.scopes === undefined
      ? routeAddresses(route, instance.addresses).sort((a, b) => scopePreference[a.scope] - scopePreference[b.scope])
      : routeAddresses(route, instance.addresses);
    const [address] = addresses;
    if (gone || address === undefined) {
      unreachable.push({ id: record.id, reason: gone ? `instance ${record.instanceId} ${instance === undefined ? 'no longer exists' : `is ${instance.status}`}` : `instance ${record.instanceId} has no address yet` });
      continue;
    }
    endpoints.push({
      id: record.id,
      instanceId: record.instanceId,
      controller,
      zone: record.zone,
      status: instance.status,
      address,
      addresses,
      user: record.user ?? environ.sshUser,
      hostKeyAlias: hostKeyAlias(name, record.id),
      settings: await pinnedSettings({ dir: params.dir, environment: name, machineId: record.id, jumpHost: route.jumpHost }),
    });
  }
  return { endpoints, unreachable, jumpHost: route.jumpHost };
}
