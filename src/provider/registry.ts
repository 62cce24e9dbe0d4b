import { ConfigError } from '../errors/index.js';
import { placementFlagsGaps } from './placement-flags.js';
import type { ProviderDescriptor, ProviderInfo } from './provider-descriptor.js';
import type { Provider, ValidateConfigResult } from './provider.js';

const providerName = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Providers found by a name nobody registered: third-party modules named by a path or a
 * package (the CLI's `provider: ./my-provider.js` in environments.yaml).
 */
export interface ExternalProviders {
  /** Whether `name` is one of its names, so that any other unknown name is reported at once. */
  accepts(name: string): boolean;
  /** Imports the provider; `CONFIG_INVALID` saying why when it cannot (missing, not a provider). */
  load(name: string): Promise<Provider>;
  /** How such names are written, for the message about an unknown name. */
  readonly naming?: string | undefined;
}

export interface ProviderRegistryOptions {
  readonly external?: ExternalProviders | undefined;
}

/**
 * The providers one program knows, by name: providers, descriptors (loaded on first
 * use, once) and, through `external`, third-party providers named by path or package.
 * Explicit: nothing registers itself on import; the CLI registers the built-in
 * descriptors when it starts, and library users register what they need. Listing,
 * config checks and placement flags need no provider loaded; `load` loads one.
 *
 * @example
 * const registry = new ProviderRegistry();
 * registry.register(localProvider);
 * const checked = await registry.validate('local', { zones: ['a', 'b'] });
 * const provider = await registry.load('local');
 */
export class ProviderRegistry {
  readonly #registered = new Map<string, { readonly info: ProviderInfo; load(): Promise<Provider> }>();
  readonly #loading = new Map<string, Promise<Provider>>();
  readonly #external: ExternalProviders | undefined;

  constructor(options: ProviderRegistryOptions = {}) {
    this.#external = options.external;
  }

  /**
   * Adds a provider or a descriptor. Throws `CONFIG_INVALID` for a malformed name or
   * placement-flag declaration, or when the name is taken, unless `replace` is set (for
   * tests and for overriding a built-in on purpose).
   */
  register(provider: Provider | ProviderDescriptor, options: { replace?: boolean } = {}): void {
    if (!providerName.test(provider.name)) {
      throw new ConfigError(`provider name "${provider.name}" is invalid: use lower-case letters, digits and dashes, starting with a letter`);
    }
    if (this.#registered.has(provider.name) && options.replace !== true) {
      throw new ConfigError(`a provider named "${provider.name}" is already registered; pick another name`);
    }
    const gaps = placementFlagsGaps(provider.placementFlags);
    if (gaps.length > 0) throw new ConfigError(`provider "${provider.name}" declares its placement flags wrongly: ${gaps.join('; ')}`);
    const load = 'load' in provider ? () => provider.load() : () => Promise.resolve(provider);
    this.#registered.set(provider.name, { info: provider, load });
    this.#loading.delete(provider.name);
  }

  /** Registered, or a name `external` accepts. */
  has(name: string): boolean {
    return this.#registered.has(name) || (this.#external?.accepts(name) ?? false);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#registered.keys()].sort();
  }

  /** What is registered, sorted by name: each provider or descriptor as it was registered. */
  list(): ProviderInfo[] {
    return this.names().map((name) => this.get(name));
  }

  /** The registered provider or descriptor called `name`; `CONFIG_INVALID` naming the known ones when there is none. */
  get(name: string): ProviderInfo {
    const entry = this.#registered.get(name);
    if (entry === undefined) throw this.#unknown(name);
    return entry.info;
  }

  /** The provider, loaded at most once per name: a descriptor's `load`, or the third-party module. */
  load(name: string): Promise<Provider> {
    let loading = this.#loading.get(name);
    if (loading === undefined) {
      const entry = this.#registered.get(name);
      if (entry === undefined && this.#external?.accepts(name) !== true) return Promise.reject(this.#unknown(name));
      loading = entry === undefined ? (this.#external as ExternalProviders).load(name) : entry.load();
      this.#loading.set(name, loading);
      // A failed load is tried again next time (a package installed meanwhile).
      loading.catch(() => this.#loading.delete(name));
    }
    return loading;
  }

  /** What `name` is, loading only a third-party provider (a registered one is known without loading). */
  async describe(name: string): Promise<ProviderInfo> {
    return this.#registered.has(name) ? this.get(name) : this.load(name);
  }

  /** The provider's `validateConfig` for `config`; a third-party provider is loaded to check it. */
  async validate(name: string, config: unknown): Promise<ValidateConfigResult<unknown>> {
    return (await this.describe(name)).validateConfig({ config });
  }

  #unknown(name: string): ConfigError {
    const known = this.names();
    const list = known.length === 0 ? ' (none are registered)' : `; known providers: ${known.join(', ')}`;
    const naming = this.#external?.naming === undefined ? '' : ` (${this.#external.naming})`;
    return new ConfigError(`unknown provider "${name}"${list}${naming}`);
  }
}
