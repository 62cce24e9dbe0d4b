import type { ProviderDescriptor } from '../../src/index.js';
import { manualCapabilities } from './capabilities.js';
import { validateManualConfig, type ManualConfig } from './config.js';
import { manualPlacementFlags } from './placement-flags.js';

/** The `manual` provider's descriptor, without loading the provider (which brings in SSH). */
export const manualDescriptor: ProviderDescriptor<ManualConfig> = {
  name: 'manual',
  description: 'existing hosts reached over SSH (user@host); nothing is created or shut down',
  capabilities: manualCapabilities,
  validateConfig: ({ config }) => validateManualConfig(config),
  placementFlags: manualPlacementFlags,
  load: async () => (await import('./manual-provider.js')).manualProvider,
};
