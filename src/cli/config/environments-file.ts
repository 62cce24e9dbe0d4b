import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, type Problem } from '../../errors/index.js';
import { checkEnvironment, type EnvironmentDefinition, type ProviderLookup } from './environment-definition.js';
import { checkEnvironmentName } from './environment-name.js';
import { countOf, describeValue, didYouMean, isMapping } from './hints.js';
import { readYamlFile } from './yaml-file.js';

export type { EnvironmentDefinition, ProviderLookup } from './environment-definition.js';
export { loadCloudConfigFile } from './cloud-config-file.js';

/** The environments file, checked: every environment in it is valid. */
export interface EnvironmentsFile {
  /** Absolute path. */
  readonly path: string;
  /** False when the (default) file does not exist: then no environments are defined. */
  readonly exists: boolean;
  /** `default-environment:`, which names one of `environments`. */
  readonly defaultEnvironment?: string;
  /** By name, in the file's order: every environment, or only the one asked for (`only`). */
  readonly environments: ReadonlyMap<string, EnvironmentDefinition>;
  /** The names of every environment the file defines, checked or not. */
  readonly names: readonly string[];
  /** Every `provider:` name the file's environments give, checked or not, each once, in the file's order. */
  readonly namedProviders: readonly string[];
}

export interface LoadEnvironmentsFileParams {
  readonly path: string;
  /** Whether the file must exist (it was named with `--config`). */
  readonly required: boolean;
  readonly providers: ProviderLookup;
  /** What `~` in cloud-config paths stands for; defaults to the user's home directory. */
  readonly homeDir?: string | undefined;
  /**
   * Check only this environment's definition (a command about one environment is not
   * stopped by a mistake in another's); `null` checks none, for listing names. Absent:
   * every environment is checked.
   */
  readonly only?: string | null;
  /** Read and check `controller-cloud-config` files (default true); only bootstrap needs them. */
  readonly loadCloudConfig?: boolean;
}

export const topLevelKeys = ['default-environment', 'environments'] as const;

const likelyMeant: Readonly<Record<string, string>> = {
  default: 'default-environment', 'default-env': 'default-environment', environment: 'environments', envs: 'environments',
};

/**
 * Reads and checks the environments file (YAML):
 *
 * ```yaml
 * default-environment: prod
 * environments:
 *   prod:
 *     provider: local
 *     options: { zones: [a, b] }          # the provider's own config
 *     constraints: "cores=2 mem=4G"
 *     controller-cloud-config: ./controller.yaml   # or an inline mapping, or `|` cloud-config text
 * ```
 *
 * A missing file is no environments unless `required`; an empty file is no
 * environments. Anything wrong is a `ConfigError` (exit code 2) naming the file; all
 * problems of the whole file are reported at once, each with its path
 * (`environments.prod.constraints`), and malformed YAML with its line and column.
 *
 * @example
 * const file = await loadEnvironmentsFile({ path: paths.configFile, required: paths.configFileExplicit, providers });
 * const prod = file.environments.get('prod');
 */
export async function loadEnvironmentsFile(params: LoadEnvironmentsFileParams): Promise<EnvironmentsFile> {
  const file = path.resolve(params.path);
  const read = await readYamlFile(file);
  switch (read.kind) {
    case 'missing':
      if (params.required) throw new ConfigError(`no such file: ${file}; create it or drop --config`);
      return { path: file, exists: false, environments: new Map(), names: [], namedProviders: [] };
    case 'unreadable':
      throw new ConfigError(`cannot read environments file ${file}: ${read.message}`, { cause: read.cause });
    case 'malformed':
      throw new ConfigError(`environments file ${file} is not valid YAML:`, { problems: [{ path: '', message: read.message }] });
    case 'parsed':
      break;
  }
  const problems: Problem[] = [];
  const checked = await checkDocument(read.document, { ...params, file }, problems);
  if (problems.length > 0) {
    throw new ConfigError(`environments file ${file} has ${countOf(problems.length, 'problem')}:`, { problems });
  }
  return { path: file, exists: true, ...checked };
}

type Checked = Pick<EnvironmentsFile, 'defaultEnvironment' | 'environments' | 'names' | 'namedProviders'>;

async function checkDocument(document: unknown, params: LoadEnvironmentsFileParams & { file: string }, problems: Problem[]): Promise<Checked> {
  const environments = new Map<string, EnvironmentDefinition>();
  if (document === null || document === undefined) return { environments, names: [], namedProviders: [] };
  if (!isMapping(document)) {
    problems.push({ path: '', message: `must be a mapping with the keys ${topLevelKeys.join(' and ')}, got ${describeValue(document)}` });
    return { environments, names: [], namedProviders: [] };
  }
  for (const [key, value] of Object.entries(document)) {
    if (!(topLevelKeys as readonly string[]).includes(key)) problems.push({ path: key, message: unknownTopLevelKey(key, value) });
  }

  const section = document['environments'] ?? {};
  if (!isMapping(section)) {
    problems.push({
      path: 'environments',
      message: `must be a mapping from environment name to definition, e.g. "prod: {provider: local}", got ${describeValue(section)}`,
    });
  } else {
    const shared = {
      baseDir: path.dirname(params.file),
      homeDir: params.homeDir ?? homedir(),
      providers: params.providers,
      ...(params.loadCloudConfig === undefined ? {} : { loadCloudConfig: params.loadCloudConfig }),
    };
    for (const [name, raw] of Object.entries(section)) {
      if (params.only !== undefined && name !== params.only) continue;
      const at = `environments.${name}`;
      const badName = checkEnvironmentName(name, at);
      if (badName !== undefined) problems.push({ path: at, message: `invalid environment name: ${badName.message}` });
      const definition = await checkEnvironment({ ...shared, name, raw, path: at }, problems);
      if (definition !== undefined && badName === undefined) environments.set(name, definition);
    }
  }

  const names = isMapping(section) ? Object.keys(section) : [];
  const namedProviders = isMapping(section) ? providerNames(Object.values(section)) : [];
  const defaultEnvironment = checkDefault(document['default-environment'], names, problems);
  return defaultEnvironment === undefined ? { environments, names, namedProviders } : { environments, names, namedProviders, defaultEnvironment };
}

function providerNames(definitions: readonly unknown[]): string[] {
  const named = definitions.map((raw) => (isMapping(raw) ? raw['provider'] : undefined));
  return [...new Set(named.filter((name): name is string => typeof name === 'string'))];
}

function checkDefault(value: unknown, names: readonly string[], problems: Problem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && names.includes(value)) return value;
  problems.push({ path: 'default-environment', message: wrongDefaultMessage(value, names) });
  return undefined;
}

function wrongDefaultMessage(value: unknown, names: readonly string[]): string {
  if (typeof value !== 'string') return `must be the name of an environment defined under "environments:", got ${describeValue(value)}`;
  if (names.length === 0) return `names ${JSON.stringify(value)}, but no environments are defined; define it under "environments:"`;
  return `names ${JSON.stringify(value)}, which is not defined under "environments:"${didYouMean(value, names)} (defined: ${names.join(', ')})`;
}

function unknownTopLevelKey(key: string, value: unknown): string {
  const allowed = `the top level has ${topLevelKeys.join(' and ')}`;
  if (isMapping(value) && 'provider' in value) {
    return `unknown key; ${allowed}. This looks like an environment: move it under "environments:"`;
  }
  return `unknown key; ${allowed}${didYouMean(key, topLevelKeys, likelyMeant)}`;
}
