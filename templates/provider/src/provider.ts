// An envboot provider for MyCloud, made from envboot's provider template. This module is
// what environments.yaml names (`provider: envboot-provider-mycloud`); it imports nothing
// heavy: the Environ, and with it the cloud's SDK, loads when an environment is opened.
// The contract and the rules it follows: envboot's docs/writing-a-provider.md.
import type { Environ, Provider, ProviderCapabilities, ValidateConfigResult } from 'envboot';
import type { Problem } from 'envboot/provider-config';

/** What environments.yaml may set under `options:`, validated. */
export interface MyCloudConfig {
  readonly region: string;
}

const defaultRegion = 'mem-1';
const configKeys = ['region'];

/** The facts common code needs before any Environ exists. */
export const capabilities: ProviderCapabilities = {
  packageInstallation: false,
  tags: true,
  maxUserDataBytes: 16_384,
  userDataGzip: true,
};

/** Pure and synchronous: every problem at once, each with its path; never throws. */
export function validateMyCloudConfig(raw: unknown): ValidateConfigResult<MyCloudConfig> {
  if (raw === undefined || raw === null) return { ok: true, config: { region: defaultRegion } };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problems: [{ path: '', message: 'must be a mapping, e.g. { region: mem-1 }' }] };
  const input = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (!configKeys.includes(key)) problems.push({ path: key, message: `unknown key; mycloud takes: ${configKeys.join(', ')}` });
  }
  const region = input['region'] ?? defaultRegion;
  if (typeof region !== 'string' || !/^[a-z0-9-]+$/.test(region)) {
    problems.push({ path: 'region', message: `must be a region name such as ${defaultRegion} (lower-case letters, digits and dashes)` });
  }
  if (problems.length > 0 || typeof region !== 'string') return { ok: false, problems };
  return { ok: true, config: { region } };
}

export const provider: Provider<MyCloudConfig> = {
  name: 'mycloud',
  description: 'machines on MyCloud (from the envboot provider template: an in-memory cloud of loopback SSH servers)',
  capabilities,
  validateConfig: ({ config }) => validateMyCloudConfig(config),
  // Cheap: creates nothing and makes no call that could fail on credentials (preflight does).
  open: async (params): Promise<Environ> => (await import('./environ.js')).openEnviron(params),
};

export default provider;
