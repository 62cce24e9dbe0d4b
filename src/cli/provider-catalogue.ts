import { ConfigError } from '../errors/index.js';
import { isExternalProviderSpec, loadExternalProvider } from './external-provider.js';
import type { Provider, ProviderDescriptor, ValidateConfigResult } from '../provider/index.js';
import { ec2Descriptor } from '../../providers/ec2/descriptor.js';
import { manualDescriptor } from '../../providers/manual/descriptor.js';
import { localDescriptor } from '../../providers/local/descriptor.js';
import { qemuDescriptor } from '../../providers/qemu/descriptor.js';

/** The providers built into the `envboot` command, as descriptors: nothing heavy loads until one is used. */
export const builtinProviders: readonly ProviderDescriptor[] = [localDescriptor, ec2Descriptor, manualDescriptor, qemuDescriptor];

/** The provider every environment that no config defines is created on. */
export const defaultProviderName = 'local';

/**
 * Options of a third-party provider, kept as written until the provider is imported
 * (when an environment on it is opened) and can check them.
 */
export class DeferredOptions {
  constructor(readonly raw: unknown) {}
}

/**
 * The CLI's registry: descriptors by name, each provider loaded on first use and kept.
 * Lists, checks config and names unknown providers from descriptors alone. Third-party
 * providers (`isExternalProviderSpec`) are imported only when used; their options are
 * checked then.
 */
export class ProviderCatalogue {
  readonly #descriptors = new Map<string, ProviderDescriptor>();
  readonly #loaded = new Map<string, Promise<Provider>>();
  readonly #baseDir: string;

  constructor(descriptors: readonly ProviderDescriptor[] = builtinProviders, params: { baseDir?: string } = {}) {
    for (const descriptor of descriptors) this.#descriptors.set(descriptor.name, descriptor);
    this.#baseDir = params.baseDir ?? process.cwd();
  }

  has(name: string): boolean {
    return this.#descriptors.has(name) || isExternalProviderSpec(name);
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
    if (!this.#descriptors.has(name) && isExternalProviderSpec(name)) return { ok: true, config: new DeferredOptions(options) };
    return this.get(name).validateConfig({ config: options });
  }

  load(name: string): Promise<Provider> {
    let loading = this.#loaded.get(name);
    if (loading === undefined) {
      loading = !this.#descriptors.has(name) && isExternalProviderSpec(name) ? loadExternalProvider(name, this.#baseDir) : this.get(name).load();
      this.#loaded.set(name, loading);
      loading.catch(() => this.#loaded.delete(name));
    }
    return loading;
  }

  /** The provider and its checked config: options deferred for a third-party provider are checked now, every problem at once. */
  async open(name: string, options: unknown): Promise<{ provider: Provider; config: unknown }> {
    const provider = await this.load(name);
    if (!(options instanceof DeferredOptions)) return { provider, config: options };
    const checked = provider.validateConfig({ config: options.raw });
    if (!checked.ok) throw new ConfigError(`invalid options for provider "${name}"`, { problems: checked.problems });
    return { provider, config: checked.config };
  }
}
