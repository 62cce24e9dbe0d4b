import type { ProviderCapabilities } from '../../provider/index.js';

/** The fake cloud's facts: tags, EC2's user-data limit, no packages. Its zones, instance-type catalogue and firewall are abilities on its Environ. */
export const fakeCapabilities: ProviderCapabilities = Object.freeze({
  packageInstallation: false,
  tags: true,
  maxUserDataBytes: 16_384,
  userDataGzip: true,
});
