import type { Provider } from './provider.js';

/**
 * What a program knows of a provider before loading it: its name, description,
 * capabilities, config validation and placement flags, none of which loads anything heavy.
 * A `Provider` is one; so is a `ProviderDescriptor`.
 */
export type ProviderInfo<Config = unknown> = Pick<Provider<Config>, 'name' | 'description' | 'capabilities' | 'validateConfig' | 'placementFlags'>;

/**
 * A provider's `ProviderInfo` and `load`, which imports the provider itself (and its cloud
 * SDK) only when an environment on it is opened. The CLI lists providers, checks
 * environments.yaml and parses placement flags from descriptors, so that
 * `envboot providers` or a typo in the config never pays for loading an SDK.
 *
 * @example
 * const descriptor: ProviderDescriptor = {
 *   name: 'mycloud', description: 'machines on MyCloud', capabilities, validateConfig,
 *   load: async () => (await import('./mycloud-provider.js')).mycloudProvider,
 * };
 */
export interface ProviderDescriptor<Config = unknown> extends ProviderInfo<Config> {
  /** Imports the provider; called at most once per program by well-behaved callers. */
  load(): Promise<Provider<Config>>;
}
