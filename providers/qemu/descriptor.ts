import type { ProviderDescriptor } from '../../src/index.js';
import { qemuCapabilities } from './capabilities.js';
import { validateQemuConfig, type QemuConfig } from './config.js';

/** The `qemu` provider's descriptor: name, description, capabilities and config checks, without loading the provider. */
export const qemuDescriptor: ProviderDescriptor<QemuConfig> = {
  name: 'qemu',
  description: 'QEMU VMs on this host from a cloud image with real cloud-init (KVM or TCG); SSH forwarded to loopback, no other network',
  capabilities: qemuCapabilities,
  validateConfig: ({ config }) => validateQemuConfig(config),
  load: async () => (await import('./qemu-provider.js')).qemuProvider,
};
