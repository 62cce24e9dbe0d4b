import type { CloudConfig, MachineProxySettings } from '../../../cloudinit/index.js';
import { ConfigError } from '../../errors/index.js';
import type { Constraints, IngressRule } from '../../provider/index.js';
import type { CommandContext } from '../context.js';
import { loadEnvironmentsFile, type EnvironmentsFile } from '../config/environments-file.js';
import { checkEnvironmentName } from '../config/paths.js';
import { defaultProviderName } from '../builtin-providers.js';
import { readEnvironmentRecord, type EnvironmentAttachment, type EnvironmentRecord } from '../records/environment-record.js';
import { knownEnvironmentNames } from './known-environments.js';
import { unknownEnvironmentError } from './unknown-environment.js';

/** One environment as a command sees it: its definition (if any), its local record (if any), and where its files are. */
export interface ResolvedEnvironment {
  readonly name: string;
  /** This client's directory for the environment (records, client key, provider data). */
  readonly dir: string;
  readonly provider: string;
  /** The provider config, validated. */
  readonly options: unknown;
  readonly constraints: Constraints;
  /** The ports bootstrap opens (environments.yaml's `expose`); `[]` when none. */
  readonly expose: readonly IngressRule[];
  readonly controllerCloudConfig?: CloudConfig;
  /** Every machine's proxies and apt mirror (environments.yaml's `http-proxy`, …); absent when none. */
  readonly proxies?: MachineProxySettings;
  /** Whether environments.yaml defines it (otherwise it lives on the default provider). */
  readonly defined: boolean;
  readonly record: EnvironmentRecord | undefined;
  readonly file: EnvironmentsFile;
  /** The provider's data directory when it is not this client's `<dir>/provider`: an environment attached from another client on this host. */
  readonly providerDataDir?: string | undefined;
}

export interface ResolveEnvironmentParams {
  readonly context: CommandContext;
  /** As given on the command line; absent means the default environment. */
  readonly name: string | undefined;
  /** `bootstrap` may create an environment no config defines; every other command needs one that exists. */
  readonly purpose: 'bootstrap' | 'existing';
  /** `bootstrap --provider`. */
  readonly provider?: string;
}

/**
 * Finds the environment a command is about, from environments.yaml and this client's
 * records, and checks everything that can be checked without a provider: the name, the
 * provider, its config. Every mistake here is `CONFIG_INVALID` (exit 2), before anything
 * is created.
 */
export async function resolveEnvironment(params: ResolveEnvironmentParams): Promise<ResolvedEnvironment> {
  const { context } = params;
  // Only this environment's definition is checked: a mistake in another one stops nothing here.
  const load = (only: string | null): Promise<EnvironmentsFile> =>
    loadEnvironmentsFile({
      path: context.paths.configFile,
      required: context.paths.configFileExplicit,
      providers: context.providers,
      only,
      loadCloudConfig: params.purpose === 'bootstrap',
    });
  const name = params.name ?? (await defaultEnvironment(context, await load(null)));
  const problem = checkEnvironmentName(name);
  if (problem !== undefined) throw new ConfigError(`environment name "${name}" is invalid: ${problem.message}`);
  const file = await load(name);
  const dir = context.paths.environmentDir(name);
  const definition = file.environments.get(name);
  const record = await readEnvironmentRecord(dir);
  if (params.purpose === 'existing' && definition === undefined && record === undefined) {
    throw await unknownEnvironmentError({ name, file, dataRoot: context.paths.dataRoot });
  }
  const provider = chooseProvider({ name, file, definedAs: definition?.provider, recordedAs: record?.provider, attached: record?.attachment !== undefined, flag: params.provider });
  const options =
    definition !== undefined
      ? definition.options
      : record?.attachment === undefined
        ? await defaultOptions(context, provider)
        : await attachedOptions({ context, name, provider, attachment: record.attachment });
  return {
    name,
    dir,
    provider,
    options,
    constraints: definition?.constraints ?? {},
    expose: definition?.expose ?? [],
    ...(definition?.controllerCloudConfig === undefined ? {} : { controllerCloudConfig: definition.controllerCloudConfig }),
    ...(definition?.proxies === undefined ? {} : { proxies: definition.proxies }),
    defined: definition !== undefined,
    record,
    file,
    providerDataDir: record?.attachment?.dataDir,
  };
}

function chooseProvider(params: {
  name: string;
  file: EnvironmentsFile;
  definedAs: string | undefined;
  recordedAs: string | undefined;
  /** The record was made by `envboot attach`, not by a bootstrap from here. */
  attached: boolean;
  flag: string | undefined;
}): string {
  const { name, definedAs, recordedAs, flag } = params;
  if (flag !== undefined && definedAs !== undefined && flag !== definedAs) {
    throw new ConfigError(`environment "${name}" is defined in ${params.file.path} with provider "${definedAs}", not "${flag}"; drop --provider or use another name`);
  }
  if (recordedAs !== undefined && params.attached && (definedAs ?? flag ?? recordedAs) !== recordedAs) {
    throw new ConfigError(
      `environment "${name}" was attached on provider "${recordedAs}" but ${params.file.path} defines it on "${definedAs ?? flag ?? ''}"; ` +
        `make the entry say provider ${recordedAs}, or remove it (this client then uses the options it was attached with)`,
    );
  }
  if (recordedAs !== undefined && (definedAs ?? flag ?? recordedAs) !== recordedAs) {
    throw new ConfigError(
      `environment "${name}" was bootstrapped on provider "${recordedAs}" but is now configured for "${definedAs ?? flag ?? ''}"; ` +
        `destroy it ("envboot destroy ${name}") before moving it to another provider, or restore its definition`,
    );
  }
  return definedAs ?? recordedAs ?? flag ?? defaultProviderName;
}

async function defaultOptions(context: CommandContext, provider: string): Promise<unknown> {
  const checked = await context.providers.validate(provider, undefined);
  if (!checked.ok) {
    throw new ConfigError(`provider "${provider}" needs configuration: define the environment in environments.yaml with its options`, {
      problems: checked.problems,
    });
  }
  return checked.config;
}

/** The options an attached environment was attached with, checked again (the provider may have changed since). */
async function attachedOptions(params: { context: CommandContext; name: string; provider: string; attachment: EnvironmentAttachment }): Promise<unknown> {
  const checked = await params.context.providers.validate(params.provider, params.attachment.options);
  if (checked.ok) return checked.config;
  throw new ConfigError(
    `the options environment "${params.name}" was attached with are not valid for provider "${params.provider}" any more; ` +
      `run "envboot attach ${params.name} --provider ${params.provider} …" again with valid ones, or define it in environments.yaml`,
    { problems: checked.problems },
  );
}

async function defaultEnvironment(context: CommandContext, file: EnvironmentsFile): Promise<string> {
  if (file.defaultEnvironment !== undefined) return file.defaultEnvironment;
  const known = await knownEnvironmentNames({ file, dataRoot: context.paths.dataRoot });
  if (known.length === 1 && known[0] !== undefined) return known[0];
  if (known.length === 0) {
    throw new ConfigError('no environments yet: name one, e.g. "envboot bootstrap demo" creates a local environment called demo');
  }
  throw new ConfigError(
    `name an environment (known: ${known.join(', ')}), or set default-environment in ${file.path}`,
  );
}
