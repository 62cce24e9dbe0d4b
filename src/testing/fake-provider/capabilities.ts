import type { ProviderCapabilities } from '../../provider/index.js';

/** What the fake cloud supports: zones, an instance-type catalogue and tags; no firewall, no packages. */
export const fakeCapabilities: ProviderCapabilities = Object.freeze({
  zones: true,
  firewall: false,
  instanceTypes: true,
  packageInstallation: false,
  tags: true,
  maxUserDataBytes: 16_384,
  userDataGzip: true,
});
