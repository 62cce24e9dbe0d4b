import path from 'node:path';
import type { ProviderInfo, ProviderRegistry } from '../provider/index.js';
import { cliProviderRegistry } from './builtin-providers.js';
import { loadEnvironmentsFile } from './config/environments-file.js';
import { resolvePaths, type EnvbootPaths } from './config/paths.js';
import type { GlobalOptions } from './context.js';
import type { NamedProvider } from './placement-options.js';

/** A third-party provider environments.yaml names: loaded, or why it could not be. */
export type ThirdPartyProvider = NamedProvider | { readonly name: string; readonly error: unknown };

/**
 * The third-party providers environments.yaml names (in any environment, checked or
 * not), each loaded as a command that uses it would load it, or with the reason it
 * cannot be. Names the registry does not accept (typos of a built-in) are left to the
 * file's check. `CONFIG_INVALID` when the file itself cannot be read.
 */
export async function thirdPartyProviders(params: { registry: ProviderRegistry; paths: EnvbootPaths }): Promise<ThirdPartyProvider[]> {
  const { registry, paths } = params;
  const file = await loadEnvironmentsFile({ path: paths.configFile, required: paths.configFileExplicit, providers: registry, only: null });
  const builtin = new Set(registry.names());
  const external = file.namedProviders.filter((name) => !builtin.has(name) && registry.has(name));
  return Promise.all(
    external.map((name) =>
      registry.describe(name).then(
        (info: ProviderInfo): ThirdPartyProvider => ({ name, info }),
        (error: unknown): ThirdPartyProvider => ({ name, error }),
      ),
    ),
  );
}

/**
 * The providers whose placement flags bootstrap and add-machine declare: the built-in
 * ones, and the third-party ones environments.yaml names that load. Never fails: a file
 * or provider that cannot be read is reported by the command that uses it.
 */
export async function placementProviders(params: { env: NodeJS.ProcessEnv; globals: GlobalOptions }): Promise<NamedProvider[]> {
  let paths: EnvbootPaths;
  try {
    paths = resolvePaths({ env: params.env, configFile: params.globals.config });
  } catch {
    return cliProviderRegistry({ baseDir: process.cwd() }).list().map((info) => ({ name: info.name, info }));
  }
  const registry = cliProviderRegistry({ baseDir: path.dirname(paths.configFile) });
  const builtins = registry.list().map((info) => ({ name: info.name, info }));
  const others = await thirdPartyProviders({ registry, paths }).catch((): ThirdPartyProvider[] => []);
  return [...builtins, ...others.filter((provider): provider is NamedProvider => 'info' in provider)];
}
