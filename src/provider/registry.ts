import { ConfigError } from '../errors/index.js';
import type { Provider } from './provider.js';

const providerName = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The providers one program knows, by name. Explicit: nothing registers itself on
 * import; the CLI registers the built-in providers when it starts, and library users
 * register what they need.
 *
 * @example
 * const registry = new ProviderRegistry();
 * registry.register(localProvider);
 * const provider = registry.get('local');
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, Provider>();

  /**
   * Adds a provider. Throws `CONFIG_INVALID` for a malformed name, or when the name is
   * taken, unless `replace` is set (for tests and for overriding a built-in on purpose).
   */
  register(provider: Provider, options: { replace?: boolean } = {}): void {
    if (!providerName.test(provider.name)) {
      throw new ConfigError(
        `provider name "${provider.name}" is invalid: use lower-case letters, digits and dashes, starting with a letter`,
      );
    }
    if (this.#providers.has(provider.name) && options.replace !== true) {
      throw new ConfigError(`a provider named "${provider.name}" is already registered; pick another name`);
    }
    this.#providers.set(provider.name, provider);
  }

  /** The provider called `name`; `CONFIG_INVALID` naming the known ones when there is none. */
  get(name: string): Provider {
    const provider = this.#providers.get(name);
    if (provider === undefined) {
      const known = this.names();
      const list = known.length === 0 ? 'none are registered' : `known providers: ${known.join(', ')}`;
      throw new ConfigError(`unknown provider "${name}" (${list})`);
    }
    return provider;
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#providers.keys()].sort();
  }

  /** Registered providers, sorted by name. */
  list(): Provider[] {
    return this.names().map((name) => this.#providers.get(name) as Provider);
  }
}
