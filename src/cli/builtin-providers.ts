import { ProviderRegistry, type ProviderDescriptor } from '../provider/index.js';
import { ec2Descriptor } from '../../providers/ec2/descriptor.js';
import { localDescriptor } from '../../providers/local/descriptor.js';
import { manualDescriptor } from '../../providers/manual/descriptor.js';
import { qemuDescriptor } from '../../providers/qemu/descriptor.js';
import { isExternalProviderSpec, loadExternalProvider } from './external-provider.js';

// The one module of the CLI that knows providers by name: which are built in, and which is the default.

/** The providers built into the `envboot` command, as descriptors: nothing heavy loads until one is used. */
export const builtinProviders: readonly ProviderDescriptor[] = [localDescriptor, ec2Descriptor, manualDescriptor, qemuDescriptor];

/** The provider an environment that no config defines is created on. */
export const defaultProviderName = 'local';

/**
 * The CLI's provider registry: the built-in descriptors, and third-party providers named
 * by path (relative to `baseDir`, environments.yaml's directory) or by package, imported
 * when first used.
 */
export function cliProviderRegistry(params: { baseDir: string }): ProviderRegistry {
  const registry = new ProviderRegistry({
    external: {
      accepts: isExternalProviderSpec,
      load: (spec) => loadExternalProvider(spec, params.baseDir),
      naming: 'envboot providers lists them; a third-party provider is named by its path or package',
    },
  });
  for (const descriptor of builtinProviders) registry.register(descriptor);
  return registry;
}
