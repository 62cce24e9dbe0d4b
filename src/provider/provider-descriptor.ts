import type { Provider } from './provider.js';

/**
 * What a program needs to know about a provider before it uses one: its name,
 * description, capabilities and config validation, which load nothing heavy, and `load`,
 * which imports the provider itself (and its cloud SDK) only when an environment on it is
 * opened. The CLI lists providers and checks environments.yaml from descriptors, so that
 * `envboot providers` or a typo in the config never pays for loading an SDK.
 *
 * @example
 * const descriptor: ProviderDescriptor = {
 *   name: 'mycloud', description: 'machines on MyCloud', capabilities, validateConfig,
 *   load: async () => (await import('./mycloud-provider.js')).mycloudProvider,
 * };
 */
export interface ProviderDescriptor<Config = unknown>
  extends Pick<Provider<Config>, 'name' | 'description' | 'capabilities' | 'validateConfig'> {
  /** Imports the provider; called at most once per program by well-behaved callers. */
  load(): Promise<Provider<Config>>;
}
