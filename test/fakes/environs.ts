import { MemoryStorage } from '../../storage/index.js';
import type { AvailabilityZone, Environ, Instance, Provider, ZonedEnviron } from '../../src/index.js';
import type { FakeEnviron } from '../../src/testing/index.js';

const environment = { name: 'test', uuid: '00000000-0000-4000-8000-000000000000' };

function instance(id: string, zone?: string): Instance {
  return { id, status: 'running', addresses: [], tags: {}, ...(zone === undefined ? {} : { zone }) };
}

/** An Environ with no abilities: instances exist only as the ids given. */
export function plainEnviron(ids: readonly string[] = []): Environ {
  const storage = new MemoryStorage();
  return {
    provider: 'plain',
    sshUser: 'ubuntu',
    capabilities: { packageInstallation: false, tags: true, maxUserDataBytes: 16_384, userDataGzip: true },
    environment,
    storage: () => storage,
    startInstance: () => Promise.reject(new Error('plainEnviron starts nothing')),
    stopInstances: () => Promise.resolve(),
    instances: (params) => Promise.resolve(params.ids.map((id) => (ids.includes(id) ? instance(id) : undefined))),
    allInstances: () => Promise.resolve(ids.map((id) => instance(id))),
  };
}

/**
 * A zoned Environ whose instances sit in fixed zones: `placement` maps instance id to
 * zone (undefined: zone unknown). Counts calls, so tests can assert what was asked.
 */
export function zonedEnviron(params: {
  zones: readonly AvailabilityZone[];
  placement: Readonly<Record<string, string | undefined>>;
}): ZonedEnviron & { calls: string[] } {
  const calls: string[] = [];
  const ids = Object.keys(params.placement);
  return {
    ...plainEnviron(ids),
    calls,
    allInstances: () => {
      calls.push('allInstances');
      return Promise.resolve(ids.map((id) => instance(id, params.placement[id])));
    },
    availabilityZones: () => {
      calls.push('availabilityZones');
      return Promise.resolve(params.zones);
    },
    instanceZones: ({ ids: asked }) => {
      calls.push('instanceZones');
      return Promise.resolve(asked.map((id) => params.placement[id]));
    },
    deriveZones: () => Promise.resolve([]),
  };
}

/** A provider that validates nothing and opens `plainEnviron`s. */
export function namedProvider(name: string): Provider {
  return {
    name,
    description: `${name} test provider`,
    capabilities: {
      packageInstallation: false,
      tags: true,
      maxUserDataBytes: 16_384,
      userDataGzip: true,
    },
    validateConfig: ({ config }) => ({ ok: true, config }),
    open: () => Promise.resolve(plainEnviron()),
  };
}

/**
 * `environ` seen through the core contract (with preflight, prepare and teardown) only:
 * how a provider without zones, catalogue, firewall or console looks. `override`
 * replaces some of its methods.
 */
export function coreOnly(environ: FakeEnviron, override: Partial<Environ> = {}): Environ {
  return {
    provider: environ.provider,
    environment: environ.environment,
    sshUser: environ.sshUser,
    capabilities: environ.capabilities,
    storage: () => environ.storage(),
    preflight: (params) => environ.preflight(params),
    prepare: (params) => environ.prepare(params),
    startInstance: (params) => environ.startInstance(params),
    stopInstances: (params) => environ.stopInstances(params),
    instances: (params) => environ.instances(params),
    allInstances: (params) => environ.allInstances(params),
    teardown: (params) => environ.teardown(params),
    ...override,
  };
}
