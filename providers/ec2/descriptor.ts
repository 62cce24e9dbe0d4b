import type { ProviderDescriptor } from '../../src/index.js';
import { ec2Capabilities } from './capabilities.js';
import type { Ec2Config } from './config.js';
import { missingSdk } from './missing-sdk.js';
import { ec2PlacementFlags } from './placement-flags.js';
import { validateEc2ProviderConfig } from './require-bucket.js';

/**
 * The `ec2` provider's descriptor: name, description, capabilities and config checks,
 * without loading the provider, which brings in the AWS SDK (an optional peer dependency:
 * `load` says how to install it when it is missing).
 */
export const ec2Descriptor: ProviderDescriptor<Ec2Config> = {
  name: 'ec2',
  description: 'Amazon EC2 instances, provider-state in S3; credentials from the AWS SDK chain',
  capabilities: ec2Capabilities,
  validateConfig: ({ config }) => validateEc2ProviderConfig(config),
  placementFlags: ec2PlacementFlags,
  load: async () => {
    try {
      return (await import('./ec2-provider.js')).ec2Provider;
    } catch (error) {
      throw missingSdk(error) ?? error;
    }
  },
};
