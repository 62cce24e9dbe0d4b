// A complete envboot provider over a toy cloud, for provider authors to copy from: the
// cloud's machines are real SSH servers on loopback (envboot/testing's SshTestHost) in
// this process. envboot's common code gives it bootstrap, waitSSH, zones, provider-state
// and destroy; this file only translates the contract to the cloud. Runs envboot's
// provider conformance suite in CI (test/examples/toy-cloud.test.ts).
import { randomUUID } from 'node:crypto';
import { parseUserData } from '../../cloudinit/index.js';
import { MemoryStorage, type Storage } from '../../storage/index.js';
import {
  CancelledError, CapacityError, ConfigError, ZoneIndependentError, isOwnedBy, throwIfCancelled,
  type AvailabilityZone, type Environ, type EnvironmentIdentity, type Instance, type Problem, type Provider,
  type ProviderCapabilities, type StartInstanceParams, type StartInstanceResult, type ValidateConfigResult, type ZonedEnviron,
} from '../../src/index.js';
import { SshTestHost, type MachineCensus } from '../../src/testing/index.js';

/** What the toy cloud keeps of a machine. */
interface ToyMachine {
  readonly id: string;
  readonly zone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly host: SshTestHost;
}

/** The provider's config: which zones the toy cloud has, and which are out of capacity. */
export interface ToyConfig {
  readonly zones: readonly string[];
  readonly fullZones: readonly string[];
}

const capabilities: ProviderCapabilities = {
  packageInstallation: false, tags: true, maxUserDataBytes: 16_384, userDataGzip: true,
};

/** One environment on the toy cloud. `machines` is the cloud's state, shared by every environ of the provider. */
class ToyEnviron implements ZonedEnviron {
  readonly provider = 'toy';
  readonly sshUser = 'root';
  readonly capabilities = capabilities;

  constructor(
    readonly environment: EnvironmentIdentity,
    private readonly config: ToyConfig,
    private readonly machines: Map<string, ToyMachine>,
    private readonly state: Storage,
  ) {}

  storage(): Storage { return this.state; }

  async startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    throwIfCancelled(params.signal, 'starting a toy machine');
    const zone = params.zone ?? this.config.zones[0] ?? 'toy-a';
    // The cloud's refusals, mapped once onto envboot's errors: bad input stops every zone, capacity moves on.
    if (params.placement !== undefined || !this.config.zones.includes(zone)) {
      throw new ZoneIndependentError(new ConfigError(`the toy cloud has no zone "${zone}" and takes no placement; zones: ${this.config.zones.join(', ')}`));
    }
    if (this.config.fullZones.includes(zone)) throw new CapacityError(`toy zone ${zone} is full`, { scope: { kind: 'all' }, zone });
    const userData = parseUserData(params.userData);
    const keys = userData.ssh_keys;
    const host = await SshTestHost.start({
      authorizedKeys: userData.ssh_authorized_keys ?? [],
      ...(keys?.ed25519_private === undefined || keys.ed25519_public === undefined ? {} : { hostKey: { privateKey: keys.ed25519_private, publicKey: keys.ed25519_public } }),
    });
    // "cloud-init": the nonce file is the last thing the user-data writes.
    const nonce = userData.write_files?.find((file) => file.path === '/var/lib/envboot/nonce')?.content;
    if (nonce !== undefined) await host.writeNonce(Buffer.from(nonce).toString('utf8').trim());
    const machine = { id: `toy-${randomUUID().slice(0, 8)}`, zone, tags: { ...params.tags }, host };
    this.machines.set(machine.id, machine);
    return { instance: view(machine) };
  }

  async stopInstances(params: { ids: readonly string[] } & Signalled): Promise<void> {
    throwIfCancelled(params.signal, 'stopping toy machines');
    for (const id of params.ids) {
      const machine = this.machines.get(id);
      // Gone, or not this environment's: never touched, and not an error.
      if (machine === undefined || !isOwnedBy(machine.tags, this.environment)) continue;
      this.machines.delete(id);
      await machine.host.stop();
    }
  }

  instances(params: { ids: readonly string[] } & Signalled): Promise<(Instance | undefined)[]> {
    return answer(params, params.ids.map((id) => this.owned().find((machine) => machine.id === id)).map((m) => (m === undefined ? undefined : view(m))));
  }

  allInstances(p: Signalled): Promise<Instance[]> { return answer(p, this.owned().map(view)); }

  availabilityZones(): Promise<AvailabilityZone[]> {
    return Promise.resolve(this.config.zones.map((name) => ({ name, available: true })));
  }

  async instanceZones(params: { ids: readonly string[] }): Promise<(string | undefined)[]> {
    return (await this.instances(params)).map((instance) => instance?.zone);
  }

  deriveZones(): Promise<string[]> { return Promise.resolve([]); }

  private owned(): ToyMachine[] {
    return [...this.machines.values()].filter((machine) => isOwnedBy(machine.tags, this.environment));
  }
}

type Signalled = { readonly signal?: AbortSignal | undefined };

/** Every call honours its signal: an aborted one is `CANCELLED`, as the contract asks. */
const answer = <T>(params: Signalled, value: T): Promise<T> =>
  params.signal?.aborted === true ? Promise.reject(new CancelledError('toy cloud call cancelled', { cause: params.signal.reason })) : Promise.resolve(value);

function view(machine: ToyMachine): Instance {
  return {
    id: machine.id, status: 'running', zone: machine.zone, tags: { ...machine.tags },
    addresses: [{ value: machine.host.hostname, port: machine.host.port, scope: 'public' }],
  };
}

const toyKeys = ['zones', 'full-zones'];

/** Checks the toy's section of environments.yaml: every problem at once, each at its path; unknown keys are problems too. */
function validateToyConfig(raw: unknown): ValidateConfigResult<ToyConfig> {
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: `must be a mapping of ${toyKeys.join(', ')}` }] };
  }
  const fields = input as Record<string, unknown>;
  const problems: Problem[] = Object.keys(fields).filter((key) => !toyKeys.includes(key))
    .map((path) => ({ path, message: `unknown key; the toy provider takes ${toyKeys.join(', ')}` }));
  const zoneList = (path: string, fallback: string[]): string[] => {
    const value = fields[path] ?? fallback;
    if (Array.isArray(value) && value.every((zone) => typeof zone === 'string' && zone !== '')) return value as string[];
    problems.push({ path, message: 'must be a list of zone names' });
    return [];
  };
  const zones = zoneList('zones', ['toy-a', 'toy-b']);
  const fullZones = zoneList('full-zones', []);
  if (Array.isArray(fields['zones']) && fields['zones'].length === 0) problems.push({ path: 'zones', message: 'must name at least one zone' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: { zones, fullZones } };
}

/**
 * A toy provider with its own toy cloud (machines and provider-state live in this process),
 * and its census: every machine of the cloud, for the conformance kit's safety net.
 */
export function createToyProvider(): Provider<ToyConfig> & { close(): Promise<void>; census: MachineCensus } {
  const machines = new Map<string, ToyMachine>();
  const states = new Map<string, Storage>();
  return {
    name: 'toy',
    description: 'a toy cloud of loopback SSH servers in this process (an example provider)',
    capabilities,
    validateConfig: ({ config }) => validateToyConfig(config),
    open: ({ environment, config }): Promise<Environ> => {
      const state = states.get(environment.name) ?? new MemoryStorage();
      states.set(environment.name, state);
      return Promise.resolve(new ToyEnviron(environment, config, machines, state));
    },
    close: async () => { await Promise.all([...machines.values()].map((machine) => machine.host.stop())); machines.clear(); },
    census: {
      live: () => Promise.resolve([...machines.keys()]),
      stop: async (ids) => { for (const id of ids) { await machines.get(id)?.host.stop(); machines.delete(id); } },
    },
  };
}

export const provider = createToyProvider();
