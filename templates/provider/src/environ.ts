// One environment on MyCloud: envboot's contract translated to the cloud's API. Loaded by
// `provider.open`, so that importing the provider stays cheap.
import {
  CapacityError, ConfigError, TagKey, isOwnedBy, throwIfCancelled,
  type AllInstancesParams, type AvailabilityZone, type EnvironmentIdentity, type Instance, type InstancesParams,
  type OpenEnvironParams, type PreflightParams, type PreflightResult, type StartInstanceParams,
  type StartInstanceResult, type StopInstancesParams, type ZonedEnviron,
} from 'envboot';
import type { Storage } from 'envboot/storage';
import { CloudApiError, cloud, type CloudMachine, type MemoryCloud } from './cloud.js';
import { capabilities, type MyCloudConfig } from './provider.js';

type Signalled = { readonly signal?: AbortSignal | undefined };

export function openEnviron(params: OpenEnvironParams<MyCloudConfig>): MyCloudEnviron {
  return new MyCloudEnviron(params.environment, params.config, cloud);
}

export class MyCloudEnviron implements ZonedEnviron {
  readonly provider = 'mycloud';
  /**
   * Who envboot logs in as. On a real cloud: the image's default user (`ubuntu`), with
   * passwordless sudo. These test machines run every session as this process's user, as root would.
   */
  readonly sshUser = 'root';
  readonly capabilities = capabilities;
  readonly #storage: Storage;

  constructor(
    readonly environment: EnvironmentIdentity,
    private readonly config: MyCloudConfig,
    private readonly cloud: MemoryCloud,
  ) {
    // In the cloud, keyed by the environment's name (not its UUID: the CLI reads
    // provider-state to learn the UUID), so that every later process and client finds it.
    this.#storage = cloud.bucket(`envboot-${config.region}-${environment.name}`);
  }

  storage(): Storage {
    return this.#storage;
  }

  async preflight(params: PreflightParams): Promise<PreflightResult> {
    const zones = await this.availabilityZones(params);
    return { warnings: [], checks: [{ name: 'region', status: 'ok', detail: `${this.config.region}: zones ${zones.map((z) => z.name).join(', ')}` }] };
  }

  async startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    throwIfCancelled(params.signal, 'starting a mycloud machine');
    if (params.placement !== undefined) throw new ConfigError(`mycloud takes no placement directive (got "${params.placement}")`);
    const zone = params.zone ?? (await this.availabilityZones(params))[0]?.name ?? '';
    try {
      // Tagged at creation: a machine whose start is cut short is still found, and stopped, by its tags.
      const machine = await this.cloud.runMachine({ region: this.config.region, zone, tags: params.tags, userData: params.userData });
      return { instance: instanceOf(machine) };
    } catch (error) {
      throw translated(error, `starting a machine in ${zone}`, zone);
    }
  }

  async stopInstances(params: StopInstancesParams): Promise<void> {
    throwIfCancelled(params.signal, 'stopping mycloud machines');
    // Only this environment's: an id that is gone, or another environment's, is left alone, and is not an error.
    const ids = (await this.#owned({ ids: params.ids })).map((machine) => machine.id);
    // The cloud returns once the machines are gone, so `waitUntilGone` needs nothing more.
    if (ids.length > 0) await this.cloud.terminateMachines({ ids });
  }

  async instances(params: InstancesParams): Promise<(Instance | undefined)[]> {
    throwIfCancelled(params.signal, 'listing mycloud machines');
    const found = new Map((await this.#owned({ ids: params.ids })).map((machine) => [machine.id, instanceOf(machine)]));
    return params.ids.map((id) => found.get(id));
  }

  async allInstances(params: AllInstancesParams): Promise<Instance[]> {
    throwIfCancelled(params.signal, 'listing mycloud machines');
    return (await this.#owned({})).map(instanceOf);
  }

  async availabilityZones(params: Signalled): Promise<AvailabilityZone[]> {
    throwIfCancelled(params.signal, 'listing mycloud zones');
    const zones = await this.cloud.zones({ region: this.config.region }).catch((error: unknown) => {
      throw translated(error, 'listing zones');
    });
    return zones.map((name) => ({ name, available: true }));
  }

  async instanceZones(params: InstancesParams): Promise<(string | undefined)[]> {
    return (await this.instances(params)).map((instance) => instance?.zone);
  }

  deriveZones(params: Signalled): Promise<string[]> {
    throwIfCancelled(params.signal, 'deriving mycloud zones');
    // Nothing in a start request pins a zone here (no subnet, no volume): the caller chooses.
    return Promise.resolve([]);
  }

  /** The ownership rule in one place: the machines carrying this environment's UUID, not yet terminated. */
  async #owned(filter: { ids?: readonly string[] }): Promise<CloudMachine[]> {
    const tags = { [TagKey.EnvironmentUuid]: this.environment.uuid };
    const machines = await this.cloud.describeMachines({ region: this.config.region, ...filter, tags });
    return machines.filter((machine) => machine.state !== 'terminated' && isOwnedBy(machine.tags, this.environment));
  }
}

function instanceOf(machine: CloudMachine): Instance {
  return {
    id: machine.id,
    status: machine.state,
    zone: machine.zone,
    tags: { ...machine.tags },
    addresses: machine.address === undefined ? [] : [{ value: machine.address.host, port: machine.address.port, scope: 'public' }],
    ...(machine.message === undefined ? {} : { statusMessage: machine.message }),
  };
}

/** The cloud's errors, translated once: a full zone is worth trying the next one; bad input stops every zone. */
function translated(error: unknown, what: string, zone?: string): unknown {
  if (!(error instanceof CloudApiError)) return error;
  if (error.code === 'ZoneFull') return new CapacityError(`${what}: ${error.message}`, { scope: { kind: 'all' }, ...(zone === undefined ? {} : { zone }), cause: error });
  return new ConfigError(`${what}: ${error.message}`, { cause: error });
}
