import type { ProviderCapabilities } from '../../src/index.js';

/** What the qemu provider supports; shared by the provider, its descriptor and its Environs. */
export const qemuCapabilities: ProviderCapabilities = Object.freeze({
  // Machines have no network beyond their SSH forward (restrict=on): no package mirror to reach.
  packageInstallation: false,
  tags: true,
  // The seed is a file on this host, not a cloud API field: the limit only keeps a mistake
  // (a whole tarball in write_files) from making a huge seed. cloud-init reads gzip.
  maxUserDataBytes: 1_048_576,
  userDataGzip: true,
});
