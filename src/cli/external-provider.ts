import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors/index.js';
import { placementFlagsGaps, type Provider } from '../provider/index.js';
import { resolve } from 'import-meta-resolve';

/**
 * Whether a `provider:` value names a provider outside envboot: a path (`./my-provider.js`,
 * `/opt/…`, `file:…`), a scoped package (`@acme/envboot-cloud`) or a package named
 * `envboot-provider-…`. Other names are built-in ones, so that a typo of one is reported
 * at once with a "did you mean".
 */
export function isExternalProviderSpec(spec: string): boolean {
  return /^(\.{1,2}\/|\/|file:)/.test(spec) || /^@[a-z0-9][\w.-]*\/[\w.-]+$/.test(spec) || /^envboot-provider-[a-z0-9][\w.-]*$/.test(spec);
}

/**
 * Imports a third-party provider with dynamic `import()`: a path relative to
 * environments.yaml's directory, or a package installed where envboot (or the working
 * directory) can find it. The module must export the provider object as `provider` or as
 * its default export; anything that does not satisfy the contract is `CONFIG_INVALID`
 * naming what is missing.
 */
export async function loadExternalProvider(spec: string, baseDir: string): Promise<Provider> {
  const module = await importProviderModule(spec, baseDir);
  const candidate = (module['provider'] ?? module['default']) as Partial<Provider> | undefined;
  const missing = contractGaps(candidate);
  if (missing.length > 0) {
    throw new ConfigError(`provider module "${spec}" does not export a provider: ${missing.join('; ')} (export it as "provider" or as the default export; see docs/writing-a-provider.md)`);
  }
  return candidate as Provider;
}

async function importProviderModule(spec: string, baseDir: string): Promise<Record<string, unknown>> {
  const isPath = /^(\.{1,2}\/|\/|file:)/.test(spec);
  const target = isPath ? (spec.startsWith('file:') ? spec : pathToFileURL(path.resolve(baseDir, spec)).href) : resolvePackage(spec, baseDir);
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const notThere = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const hint = isPath ? `check the path (relative to ${baseDir})` : `install it (npm install ${spec}) next to envboot or in the working directory`;
    throw new ConfigError(notThere ? `provider "${spec}" was not found: ${hint}` : `provider "${spec}" could not be loaded: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The package's entry as `import` would find it from the working directory or the
 * config's (Node's ESM resolution, `import`-only exports included); envboot's own
 * resolution otherwise.
 */
function resolvePackage(spec: string, baseDir: string): string {
  for (const from of [process.cwd(), baseDir]) {
    try {
      return resolve(spec, pathToFileURL(path.join(from, 'noop.js')).href);
    } catch (error) {
      // Not there: try the next place, then import() itself. Installed but broken (no such export, a bad package.json): say so.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') {
        throw new ConfigError(`provider "${spec}" is installed in ${from} but cannot be loaded: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return spec;
}

function contractGaps(candidate: Partial<Provider> | undefined): string[] {
  const exported: unknown = candidate;
  if (exported === undefined || exported === null || typeof exported !== 'object' || candidate === undefined) return ['no "provider" or default export'];
  const gaps: string[] = [];
  if (typeof candidate.name !== 'string' || !/^[a-z0-9-]+$/.test(candidate.name)) gaps.push('"name" must be lower-case letters, digits and dashes');
  if (typeof candidate.description !== 'string') gaps.push('"description" must be a string');
  if (typeof candidate.validateConfig !== 'function') gaps.push('"validateConfig" must be a function');
  if (typeof candidate.open !== 'function') gaps.push('"open" must be a function');
  const capabilities = candidate.capabilities as unknown as Record<string, unknown> | undefined;
  if (capabilities === undefined || typeof capabilities !== 'object') {
    gaps.push('"capabilities" must be an object');
  } else {
    for (const flag of ['packageInstallation', 'tags', 'userDataGzip']) {
      if (typeof capabilities[flag] !== 'boolean') gaps.push(`"capabilities.${flag}" must be true or false`);
    }
    if (typeof capabilities['maxUserDataBytes'] !== 'number' || capabilities['maxUserDataBytes'] <= 0) gaps.push('"capabilities.maxUserDataBytes" must be a positive number');
  }
  return [...gaps, ...placementFlagsGaps(candidate.placementFlags)];
}
