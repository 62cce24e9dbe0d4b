import type { ProviderCapabilities } from '../../src/index.js';

/** What the local provider supports; shared by the provider and its Environs. */
export const localCapabilities: ProviderCapabilities = Object.freeze({
  packageInstallation: false,
  tags: true,
  maxUserDataBytes: 65_536,
  userDataGzip: true,
});
