import type { ProviderCapabilities } from '../../src/index.js';

/** Existing hosts: no zones, no firewall, no catalogue, no tags (a marker file on the host is the ownership rule). */
export const manualCapabilities: ProviderCapabilities = {
  packageInstallation: true,
  tags: false,
  // The user-data is applied over SSH as a script, not handed to a cloud: no cloud's limit applies.
  maxUserDataBytes: 1_048_576,
  userDataGzip: false,
};
