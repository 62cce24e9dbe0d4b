import type { Logger } from '../logging/logger-contract.js';
import type { Problem } from '../errors/index.js';
import type { Environ } from './environ.js';
import type { PlacementFlags } from './placement-flags.js';
import type { EnvironmentIdentity } from './tags.js';

/**
 * A named factory for Environs: `local`, `ec2`, `manual`, or a third-party package. A
 * provider is stateless; everything about one environment lives in its Environ.
 *
 * @example
 * const checked = provider.validateConfig({ config: raw });
 * if (!checked.ok) throw new ConfigError('invalid ec2 config', { problems: checked.problems });
 * const environ = await provider.open({ environment, config: checked.config, dataDir, signal });
 */
export interface Provider<Config = unknown> {
  /** The name environments config uses, e.g. `ec2`. Lower-case letters, digits and dashes. */
  readonly name: string;
  /** One line for `envboot providers`. */
  readonly description: string;
  readonly capabilities: ProviderCapabilities;
  /**
   * Optional: the command-line flags it takes on `bootstrap` and `add-machine` (the manual
   * provider's `--host`), and how their values become placements and config.
   */
  readonly placementFlags?: PlacementFlags<Config> | undefined;

  /**
   * Checks a provider config (the environment's section of environments.yaml, keys in
   * kebab-case) and returns the typed config, or every problem found, each with its
   * path. Pure and synchronous: no network, no files. Unknown keys are problems.
   */
  validateConfig(params: ValidateConfigParams): ValidateConfigResult<Config>;

  /**
   * Opens one environment. Cheap: creates nothing on the cloud and makes no call that
   * could fail on credentials (that is `Environ.preflight`'s job). May be called many
   * times for the same environment, from several processes.
   */
  open(params: OpenEnvironParams<Config>): Promise<Environ>;
}

/**
 * The facts about a provider that common code needs before any Environ exists (to check a
 * cloud-config, to size user-data) and that no method could reveal. Abilities that are
 * interfaces (zones, instance types, firewall, console output, …) are not declared here:
 * they are found on the Environ with their type guards (`isZoned`, `hasInstanceTypes`,
 * `hasFirewall`, …), so that a declaration cannot disagree with the implementation.
 */
export interface ProviderCapabilities {
  /** Whether cloud-config `packages` can be installed on its machines. */
  readonly packageInstallation: boolean;
  /** Whether resources carry tags (otherwise a UUID name prefix is the ownership rule). */
  readonly tags: boolean;
  /** The largest user-data the provider accepts, in bytes, before any base64 encoding. */
  readonly maxUserDataBytes: number;
  /** Whether user-data may be gzip-compressed (cloud-init decompresses it). */
  readonly userDataGzip: boolean;
}

export interface ValidateConfigParams {
  /** The raw config as parsed from YAML; anything at all. */
  readonly config: unknown;
}

export type ValidateConfigResult<Config> =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export interface OpenEnvironParams<Config> {
  readonly environment: EnvironmentIdentity;
  readonly config: Config;
  /** A directory the provider may keep local records in (keys, machine caches). */
  readonly dataDir: string;
  /**
   * Directories on this host that hold the client's secrets and records (its keys, its
   * config, other environments' data). A provider whose machines share this host's
   * filesystem must keep them out of its machines' sight; others ignore them.
   */
  readonly hostPrivatePaths?: readonly string[] | undefined;
  /** Where the provider logs what helps debugging (its cloud calls, its processes); envboot's own minimal `Logger`. */
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}
