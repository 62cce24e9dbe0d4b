import { ConfigError } from '../errors/index.js';
import type { Provider, ProviderDescriptor, ValidateConfigResult } from '../provider/index.js';
import { ec2Descriptor } from '../../providers/ec2/descriptor.js';
import { localDescriptor } from '../../providers/local/descriptor.js';

/** The providers built into the `envboot` command, as descriptors: nothing heavy loads until one is used. */
export const builtinProviders: readonly ProviderDescriptor[] = [localDescriptor, ec2Descriptor];

/** The provider every environment that no config defines is created on. */
export const defaultProviderName = 'local';

/**
 * The CLI's registry: descriptors by name, each provider loaded on first use and kept.
 * Lists, checks config and names unknown providers from descriptors alone.
 */
export class ProviderCatalogue {
  readonly #descriptors = new Map<string, ProviderDescriptor>();
  readonly #loaded = new Map<string, Promise<Provider>>();

  constructor(descriptors: readonly ProviderDescriptor[] = builtinProviders) {
    for (const descriptor of descriptors) this.#descriptors.set(descriptor.name, descriptor);
  }

  has(name: string): boolean {
    return this.#descriptors.has(name);
  }

  names(): string[] {
    return [...this.#descriptors.keys()].sort();
  }

  list(): ProviderDescriptor[] {
    return this.names().map((name) => this.get(name));
  }

  /** The descriptor; `CONFIG_INVALID` naming the known providers when there is none. */
  get(name: string): ProviderDescriptor {
    const descriptor = this.#descriptors.get(name);
    if (descriptor === undefined) {
      throw new ConfigError(`unknown provider "${name}"; known providers: ${this.names().join(', ')} (envboot providers lists them)`);
    }
    return descriptor;
  }

  validate(name: string, options: unknown): ValidateConfigResult<unknown> {
    return this.get(name).validateConfig({ config: options });
  }

  load(name: string): Promise<Provider> {
    let loading = this.#loaded.get(name);
    if (loading === undefined) {
      loading = this.get(name).load();
      this.#loaded.set(name, loading);
    }
    return loading;
  }
}
