/**
 * `envboot/providers/qemu`: machines are QEMU VMs on this host, booted from a standard
 * cloud image (a disk with its own boot loader, or kernel, initrd and root disk) on a
 * per-machine copy-on-write overlay, with a NoCloud seed carrying envboot's user-data to
 * the image's real cloud-init. KVM where it really works, TCG otherwise. User networking
 * with `restrict=on`: each machine's only connection is its SSH forward on 127.0.0.1.
 *
 * @example
 * const registry = new ProviderRegistry();
 * registry.register(qemuProvider);
 */
export { qemuProvider } from './qemu-provider.js';
export { qemuDescriptor } from './descriptor.js';
export { QemuEnviron, type QemuEnvironParams } from './qemu-environ.js';
export { qemuCapabilities } from './capabilities.js';
export { defaultKernelCmdline, qemuConfigKeys, qemuDefaults, validateQemuConfig, type AccelSetting, type QemuBoot, type QemuConfig } from './config.js';
export { parseSize } from './config-values.js';
export { chooseAccelerator, KvmVerdicts, type AcceleratorChoice } from './accelerator.js';
export { probeKvm, type KvmVerdict } from './kvm-probe.js';
