import type { ProviderCapabilities } from '../../src/index.js';

/** What EC2 offers envboot. User-data is limited by EC2 to 16 KiB before base64; cloud-init reads gzip. */
export const ec2Capabilities: ProviderCapabilities = {
  packageInstallation: true,
  tags: true,
  maxUserDataBytes: 16_384,
  userDataGzip: true,
};
