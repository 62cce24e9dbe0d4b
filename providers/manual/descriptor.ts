import type { ProviderDescriptor } from '../../src/provider/provider-descriptor.js';
import { manualCapabilities } from './capabilities.js';
import { validateManualConfig, type ManualConfig } from './config.js';

/** The `manual` provider's descriptor, without loading the provider (which brings in SSH). */
export const manualDescriptor: ProviderDescriptor<ManualConfig> = {
  name: 'manual',
  description: 'existing hosts reached over SSH (user@host); nothing is created or shut down',
  capabilities: manualCapabilities,
  validateConfig: ({ config }) => validateManualConfig(config),
  load: async () => (await import('./manual-provider.js')).manualProvider,
};
