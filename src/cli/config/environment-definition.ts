import path from 'node:path';
import { validateCloudConfig, type CloudConfig, type MachineProxySettings } from '../../../cloudinit/index.js';
import { formatProblem, isConfigError, messageOf, type Problem } from '../../errors/index.js';
import { validateConstraints, type Constraints, type IngressRule, type ValidateConfigResult } from '../../provider/index.js';
import { checkCloudConfigFile } from './cloud-config-file.js';
import { checkExposeOption } from './expose-option.js';
import { closestWord, describeValue, didYouMean, isMapping, joinPath } from './hints.js';
import { expandHome } from './paths.js';
import { checkProxyOptions, proxyKeyHints, proxyOptionKeys } from './proxy-options.js';
import { parseYaml } from './yaml-file.js';

/**
 * The providers an environments file may name. The CLI passes its `ProviderRegistry`:
 * built-in providers are checked from their descriptors (no SDK loads); a third-party
 * one is imported to check its options, and one that cannot be is a problem of the file.
 */
export interface ProviderLookup {
  /** A known provider, or a name a third-party provider may have (a path, a package). */
  has(name: string): boolean;
  /** Known provider names, sorted. */
  names(): string[];
  /** The provider's `validateConfig` for `options`, the raw `options:` value; `CONFIG_INVALID` when it cannot be loaded. */
  validate(name: string, options: unknown): ValidateConfigResult<unknown> | Promise<ValidateConfigResult<unknown>>;
}

/** One environment of the environments file, checked. */
export interface EnvironmentDefinition {
  readonly name: string;
  readonly provider: string;
  /** The provider's config, as its `validateConfig` returned it. */
  readonly options: unknown;
  /** The `options:` value as written (undefined when absent). */
  readonly rawOptions: unknown;
  /** From the `constraints:` string; `{}` when absent. */
  readonly constraints: Constraints;
  /** From `expose:`: the ports bootstrap opens to outside sources; `[]` when absent. */
  readonly expose: readonly IngressRule[];
  /** Extra cloud-config for the controller machine. */
  readonly controllerCloudConfig?: CloudConfig;
  /** Where `controllerCloudConfig` came from: the absolute file path, or `inline` (a mapping or `|` text in the file). */
  readonly controllerCloudConfigSource?: string;
  /** From `http-proxy`, `https-proxy`, `no-proxy`, `apt-proxy` and `apt-mirror`: every machine's proxies and apt mirror. */
  readonly proxies?: MachineProxySettings;
}

export interface CheckEnvironmentParams {
  readonly name: string;
  /** The environment's value in the file. */
  readonly raw: unknown;
  /** Its path in the file, e.g. `environments.prod`. */
  readonly path: string;
  /** What relative cloud-config paths are relative to: the environments file's directory. */
  readonly baseDir: string;
  readonly homeDir: string;
  readonly providers: ProviderLookup;
  /** Read and check `controller-cloud-config` (default true); only bootstrap needs it. */
  readonly loadCloudConfig?: boolean;
}

export const environmentKeys = ['provider', 'options', 'constraints', 'expose', 'controller-cloud-config', ...proxyOptionKeys] as const;

const likelyMeant: Readonly<Record<string, string>> = {
  type: 'provider', cloud: 'provider', config: 'options', settings: 'options', 'provider-options': 'options',
  constraint: 'constraints', 'cloud-config': 'controller-cloud-config', 'user-data': 'controller-cloud-config',
  cloudinit: 'controller-cloud-config', 'cloud-init': 'controller-cloud-config',
  ports: 'expose', 'open-ports': 'expose', firewall: 'expose', ingress: 'expose',
  ...proxyKeyHints,
};

/**
 * Checks one environment's definition, adding every problem found to `problems` (with
 * paths under `params.path`), and returns the definition when there were none.
 */
export async function checkEnvironment(params: CheckEnvironmentParams, problems: Problem[]): Promise<EnvironmentDefinition | undefined> {
  const { raw, providers } = params;
  const before = problems.length;
  const add = (key: string, message: string): void => {
    problems.push({ path: joinPath(params.path, key), message });
  };
  const known = `known providers: ${providers.names().join(', ') || '(none)'}`;
  if (raw === null || raw === undefined) {
    add('', `the definition is empty; it needs at least "provider: <name>" (${known})`);
    return undefined;
  }
  if (!isMapping(raw)) {
    const hint = typeof raw === 'string' && providers.has(raw) ? `; did you mean "${params.name}: {provider: ${raw}}"?` : '';
    add('', `must be a mapping with the keys ${environmentKeys.join(', ')}, got ${describeValue(raw)}${hint}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if ((environmentKeys as readonly string[]).includes(key)) continue;
    const meant = closestWord(key, environmentKeys, likelyMeant);
    const hint = meant === undefined ? '; provider settings go under "options:"' : `; did you mean ${JSON.stringify(meant)}?`;
    add(key, `unknown key; an environment has ${environmentKeys.join(', ')}${hint}`);
  }

  const provider = checkProvider(raw['provider'], providers, known, (message) => {
    add('provider', message);
  });
  const rawOptions = raw['options'] ?? undefined;
  let options: unknown;
  if (provider !== undefined) {
    const validated = await validateOptions(providers, provider, rawOptions);
    if (validated.ok) options = validated.config;
    else for (const p of validated.problems) add(joinPath(validated.at, p.path), p.message);
  }
  const constraints = checkConstraints(raw['constraints'], (message) => {
    add('constraints', message);
  });
  const expose = checkExposeOption(raw['expose'], (key, message) => {
    add(joinPath('expose', key), message);
  });
  const cloudConfig = await checkControllerCloudConfig(raw['controller-cloud-config'], params, (key, message) => {
    add(joinPath('controller-cloud-config', key), message);
  });
  const proxies = checkProxyOptions(raw, add);

  if (problems.length > before || provider === undefined) return undefined;
  return {
    name: params.name,
    provider,
    options,
    rawOptions,
    constraints,
    expose,
    ...(cloudConfig === undefined ? {} : { controllerCloudConfig: cloudConfig.config, controllerCloudConfigSource: cloudConfig.source }),
    ...(proxies === undefined ? {} : { proxies }),
  };
}

function checkProvider(value: unknown, providers: ProviderLookup, known: string, report: (message: string) => void): string | undefined {
  if (value === undefined || value === null) {
    report(`missing; name the provider this environment runs on (${known})`);
    return undefined;
  }
  if (typeof value !== 'string') {
    report(`must be a provider name (${known}), got ${describeValue(value)}`);
    return undefined;
  }
  if (!providers.has(value)) {
    report(`unknown provider ${JSON.stringify(value)}${didYouMean(value, providers.names())}; ${known}`);
    return undefined;
  }
  return value;
}

/** The options checked by their provider, or the problems and where they are: under `options`, or at `provider` when it cannot be loaded. */
async function validateOptions(
  providers: ProviderLookup,
  provider: string,
  rawOptions: unknown,
): Promise<{ readonly ok: true; readonly config: unknown } | { readonly ok: false; readonly at: string; readonly problems: readonly Problem[] }> {
  try {
    const validated = await providers.validate(provider, rawOptions);
    return validated.ok ? validated : { ...validated, at: 'options' };
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return { ok: false, at: 'provider', problems: [{ path: '', message: messageOf(error) }] };
  }
}

function checkConstraints(value: unknown, report: (message: string) => void): Constraints {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string') {
    report(`must be one string of space-separated key=value constraints, e.g. "cores=2 mem=4G", got ${describeValue(value)}`);
    return {};
  }
  const checked = validateConstraints(value);
  if (checked.ok) return checked.constraints;
  for (const problem of checked.problems) report(formatProblem(problem));
  return {};
}

async function checkControllerCloudConfig(
  value: unknown,
  params: CheckEnvironmentParams,
  report: (key: string, message: string) => void,
): Promise<{ config: CloudConfig; source: string } | undefined> {
  if (value === undefined || value === null || params.loadCloudConfig === false) return undefined;
  if (isMapping(value)) return checkInlineCloudConfig(value, report);
  if (typeof value !== 'string' || value.trim() === '') {
    report('', `must be a cloud-config mapping, the path of a cloud-config YAML file, or cloud-config text, got ${describeValue(value)}`);
    return undefined;
  }
  if (value.includes('\n')) return checkCloudConfigText(value, report);
  const file = path.resolve(params.baseDir, expandHome(value, params.homeDir));
  const checked = await checkCloudConfigFile(file);
  if (checked.ok) return { config: checked.config, source: file };
  switch (checked.kind) {
    case 'missing': {
      const relative = !path.isAbsolute(value) && !value.startsWith('~');
      report('', `${checked.summary}${relative ? ` (a relative path is resolved from ${params.baseDir}, the environments file's directory)` : ''}`);
      break;
    }
    case 'unreadable':
      report('', checked.summary);
      break;
    case 'malformed':
      for (const problem of checked.problems) report('', `${file} is not valid YAML: ${problem.message}`);
      break;
    case 'invalid':
      for (const problem of checked.problems) report('', `in ${file}: ${formatProblem(problem)}`);
      break;
  }
  return undefined;
}

/** Cloud-config written in the environments file, as a mapping or as `|` text (Juju's `cloudinit-userdata` style). */
function checkInlineCloudConfig(value: unknown, report: (key: string, message: string) => void): { config: CloudConfig; source: string } | undefined {
  const checked = validateCloudConfig(value);
  if (checked.ok) return { config: checked.config, source: 'inline' };
  for (const problem of checked.problems) report(problem.path, problem.message);
  return undefined;
}

function checkCloudConfigText(text: string, report: (key: string, message: string) => void): { config: CloudConfig; source: string } | undefined {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    report('', `the cloud-config text is not valid YAML: ${parsed.message} (counted from the text's first line)`);
    return undefined;
  }
  return checkInlineCloudConfig(parsed.document ?? {}, report);
}
