import type { ProviderDescriptor } from '../../src/index.js';
import { localCapabilities } from './capabilities.js';
import { validateLocalConfig, type LocalConfig } from './config.js';

/**
 * The `local` provider's descriptor: name, description, capabilities and config checks,
 * without loading the provider (which brings in SSH and the agent client).
 */
export const localDescriptor: ProviderDescriptor<LocalConfig> = {
  name: 'local',
  description: 'sandboxes on this host (user namespaces) with real SSH on loopback addresses; no cloud, no root',
  capabilities: localCapabilities,
  validateConfig: ({ config }) => validateLocalConfig(config),
  load: async () => (await import('./local-provider.js')).localProvider,
};
