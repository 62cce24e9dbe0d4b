import { CancelledError, type Provider } from '../../src/index.js';
import type { QemuConfig } from './config.js';
import { qemuDescriptor } from './descriptor.js';
import { QemuEnviron } from './qemu-environ.js';

/**
 * The `qemu` provider: machines are QEMU VMs on this host booted from a standard cloud
 * image with a NoCloud seed (real cloud-init, the image's non-root default user), under KVM
 * where it works and TCG otherwise, with user networking (`restrict=on`) and SSH forwarded
 * from 127.0.0.1. No daemon and no root: each VM is a daemonized QEMU process.
 *
 * @example
 * const checked = qemuProvider.validateConfig({ config: { image: '~/images/noble-server-cloudimg-amd64.img' } });
 * if (!checked.ok) throw new ConfigError('invalid qemu config', { problems: checked.problems });
 * const environ = await qemuProvider.open({ environment, config: checked.config, dataDir });
 * await environ.preflight({}); // says KVM or TCG, and why
 */
export const qemuProvider: Provider<QemuConfig> = {
  name: qemuDescriptor.name,
  description: qemuDescriptor.description,
  capabilities: qemuDescriptor.capabilities,
  validateConfig: qemuDescriptor.validateConfig,
  open: (params) => {
    if (params.signal?.aborted === true) return Promise.reject(new CancelledError('opening the qemu environment cancelled', { cause: params.signal.reason }));
    return Promise.resolve(new QemuEnviron({ environment: params.environment, config: params.config, dataDir: params.dataDir, logger: params.logger }));
  },
};
