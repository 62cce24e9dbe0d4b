import os from 'node:os';
import { MemoryStorage, type Storage } from '../../../storage/index.js';
import { asError, throwIfCancelled } from '../../errors/index.js';
import type { EnvironmentIdentity, InstanceType, OpenEnvironParams, Provider } from '../../provider/index.js';
import { fakeCapabilities } from './capabilities.js';
import { FakeCloud } from './fake-cloud.js';
import { FakeEnviron } from './fake-environ.js';
import { fakeInstanceTypes } from './instance-types.js';
import { validateFakeConfig, type FakeProviderConfig } from './validate-config.js';
import type { MachineCensus } from '../provider-conformance/params.js';

export interface CreateFakeProviderParams {
  /** The cloud's zones, in preference order. Default `zone-a`, `zone-b`, `zone-c`. */
  readonly zones?: readonly string[];
  /** The instance-type catalogue (a type with `zones` is offered only there). Default `fakeInstanceTypes`. */
  readonly instanceTypes?: readonly InstanceType[] | undefined;
  /** Storage shared by every environment; default one `MemoryStorage` per environment. */
  readonly storage?: Storage;
  /** The clock rate-limit errors compute `earliestRetry` from. Default the real one. */
  readonly now?: () => Date;
  /**
   * Machines behave like a cloud image whose default user is this non-root user: sessions
   * run as it, with passwordless sudo, in a private copy of the system; root logins are
   * refused by cloud-init's forced command; the nonce is root's, mode 0600. `sshUser` is
   * this user. Needs root. Default: machines run everything as this process's user.
   */
  readonly defaultUser?: string | undefined;
}

/** A `Provider` whose `open` is known to return a `FakeEnviron`. */
export interface FakeProviderContract extends Provider<FakeProviderConfig> {
  open(params: OpenEnvironParams<FakeProviderConfig>): Promise<FakeEnviron>;
}

/** A fake cloud, its provider, and the environments opened on it. */
export interface FakeProvider {
  /** The provider named `fake`, for registries and flows under test. */
  readonly provider: FakeProviderContract;
  /** Environments opened so far, by UUID. */
  readonly environs: ReadonlyMap<string, FakeEnviron>;
  /**
   * Opens `environment` without going through config validation. Like `provider.open`,
   * returns the same `FakeEnviron` for the same UUID every time, so that a test reaches
   * the very environ the code under test opened: its `faults`, `calls` and machines. The
   * first open of an environment decides its zones.
   */
  openEnviron(environment: EnvironmentIdentity, config?: FakeProviderConfig): FakeEnviron;
  /**
   * Every live machine of the cloud, whatever its environment, seen and stopped without an
   * Environ: the conformance kit's safety net (`census`).
   */
  readonly census: MachineCensus;
  /** Closes every environment opened (stopping every machine). Idempotent. */
  close(): Promise<void>;
}

/**
 * A fault-injecting provider whose machines are real SSH servers on this host, booted
 * from their user-data as cloud-init would: for testing bootstrap and destroy flows end to
 * end without a cloud. See `FakeEnviron` for the environment and `FakeFaults` for faults.
 *
 * @example
 * const fake = createFakeProvider();
 * after(() => fake.close());
 * const environ = await fake.provider.open({ environment, config: {}, dataDir });
 * environ.faults.capacityZones.add('zone-a');
 * const { instance } = await environ.startInstance({ machineId: '0', zone: 'zone-b', constraints: {}, userData, tags });
 */
export function createFakeProvider(params: CreateFakeProviderParams = {}): FakeProvider {
  const cloud = new FakeCloud();
  const environs = new Map<string, FakeEnviron>();
  const zones = [...(params.zones ?? ['zone-a', 'zone-b', 'zone-c'])];
  const sshUser = params.defaultUser ?? os.userInfo().username;
  const openEnviron = (environment: EnvironmentIdentity, config: FakeProviderConfig = {}): FakeEnviron => {
    const existing = environs.get(environment.uuid);
    if (existing !== undefined) return existing;
    const environ = new FakeEnviron({
      cloud,
      environment: { name: environment.name, uuid: environment.uuid },
      zones: config.zones ?? zones,
      instanceTypes: params.instanceTypes ?? fakeInstanceTypes,
      storage: params.storage ?? new MemoryStorage({ name: `fake ${environment.name}` }),
      sshUser,
      cloudImage: params.defaultUser !== undefined,
      now: params.now ?? (() => new Date()),
    });
    environs.set(environment.uuid, environ);
    return environ;
  };
  const provider: FakeProviderContract = {
    name: 'fake',
    description: 'Fault-injecting fake cloud whose machines are SSH servers on this host (tests only)',
    capabilities: fakeCapabilities,
    validateConfig: ({ config }) => validateFakeConfig(config),
    open: (open) => {
      try {
        throwIfCancelled(open.signal, 'opening fake environment');
        return Promise.resolve(openEnviron(open.environment, open.config));
      } catch (error) {
        return Promise.reject(asError(error));
      }
    },
  };
  const census: MachineCensus = {
    live: () => Promise.resolve(cloud.machines().filter((machine) => machine.status !== 'terminated').map((machine) => machine.id)),
    stop: async (ids) => {
      await Promise.all(ids.map((id) => cloud.machine(id)?.stop() ?? Promise.resolve()));
    },
  };
  return {
    provider,
    environs,
    openEnviron,
    census,
    close: async () => {
      await Promise.allSettled([...environs.values()].map((environ) => environ.close()));
    },
  };
}
