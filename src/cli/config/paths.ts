import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../errors/index.js';
import { checkEnvironmentName } from './environment-name.js';

export { checkEnvironmentName, maxEnvironmentNameLength } from './environment-name.js';

/** Where the CLI reads its config and keeps its data. Every path is absolute. */
export interface EnvbootPaths {
  /** The environments file. */
  readonly configFile: string;
  /** Whether `--config` named it: then a missing file is an error, not "no environments". */
  readonly configFileExplicit: boolean;
  /** The root of envboot's local data (environment records, keys, machine caches). */
  readonly dataRoot: string;
  /** `<dataRoot>/environments/<name>`; throws `CONFIG_INVALID` for a malformed name. */
  environmentDir(name: string): string;
}

export interface ResolvePathsParams {
  /** The process environment: `ENVBOOT_HOME`, `XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `HOME`. */
  readonly env: NodeJS.ProcessEnv;
  /** `--config FILE`: replaces the environments file path only. `~` is expanded. */
  readonly configFile?: string | undefined;
  /** What relative `--config` and `ENVBOOT_HOME` values are relative to; defaults to the working directory. */
  readonly cwd?: string | undefined;
  /** The home directory when `HOME` is unset or empty; defaults to the user's from the OS. */
  readonly homeDir?: string | undefined;
}

/**
 * Resolves the CLI's paths. `ENVBOOT_HOME=DIR` puts everything under one directory:
 * `DIR/environments.yaml` and `DIR/data`. Otherwise the XDG base directories are used:
 * `${XDG_CONFIG_HOME:-~/.config}/envboot/environments.yaml` and
 * `${XDG_DATA_HOME:-~/.local/share}/envboot`; relative or empty XDG values are ignored,
 * as the XDG spec says. `--config FILE` replaces only the environments file.
 *
 * @example
 * const paths = resolvePaths({ env: process.env, configFile: options.config });
 * paths.environmentDir('prod'); // '/home/me/.local/share/envboot/environments/prod'
 */
export function resolvePaths(params: ResolvePathsParams): EnvbootPaths {
  const { env } = params;
  const cwd = params.cwd ?? process.cwd();
  const home = nonEmpty(env['HOME']) ?? params.homeDir ?? homedir();
  const envbootHome = nonEmpty(env['ENVBOOT_HOME']);
  let configFile: string;
  let dataRoot: string;
  if (envbootHome !== undefined) {
    const root = path.resolve(cwd, expandHome(envbootHome, home));
    configFile = path.join(root, 'environments.yaml');
    dataRoot = path.join(root, 'data');
  } else {
    configFile = path.join(xdgDir(env['XDG_CONFIG_HOME']) ?? path.join(home, '.config'), 'envboot', 'environments.yaml');
    dataRoot = path.join(xdgDir(env['XDG_DATA_HOME']) ?? path.join(home, '.local', 'share'), 'envboot');
  }
  if (params.configFile !== undefined) {
    if (params.configFile.trim() === '') throw new ConfigError('--config needs a file path; give one or leave --config out');
    configFile = path.resolve(cwd, expandHome(params.configFile, home));
  }
  return {
    configFile,
    configFileExplicit: params.configFile !== undefined,
    dataRoot,
    environmentDir(name: string): string {
      const problem = checkEnvironmentName(name);
      if (problem !== undefined) throw new ConfigError(`environment name ${JSON.stringify(name)} is invalid: ${problem.message}`);
      return path.join(dataRoot, 'environments', name);
    },
  };
}

/** `~` and `~/x` with the home directory put in; anything else unchanged. */
export function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

function xdgDir(value: string | undefined): string | undefined {
  return value !== undefined && path.isAbsolute(value) ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
