import type { CleanupProvider } from '../../src/index.js';
import { createAwsClients } from './aws-clients.js';
import { ec2Capabilities } from './capabilities.js';
import type { Ec2Config } from './config.js';
import { Ec2Api } from './ec2-api.js';
import { defaultEc2Timing, Ec2Environ } from './ec2-environ.js';
import { findEc2Leftovers } from './leftovers.js';
import { removeEc2Leftovers } from './remove-leftovers.js';
import { requireBucket, validateEc2ProviderConfig } from './require-bucket.js';

/**
 * The `ec2` provider: machines are EC2 instances in one region, provider-state is an
 * object in an S3 bucket. Credentials, profile and endpoints come from the AWS SDK's
 * standard chain.
 *
 * @example
 * const environ = await ec2Provider.open({ environment, config: { ...defaultEc2Config, region: 'eu-west-1', bucket: 'acme-envboot' }, dataDir });
 */
export const ec2Provider: CleanupProvider<Ec2Config> = {
  name: 'ec2',
  description: 'Amazon EC2 instances, provider-state in S3; credentials from the AWS SDK chain',
  capabilities: ec2Capabilities,
  validateConfig: ({ config }) => validateEc2ProviderConfig(config),
  open: async (params) => {
    const config = requireBucket(params.config);
    const clients = await createAwsClients({ region: config.region });
    return new Ec2Environ({
      environment: params.environment,
      config,
      region: clients.region,
      api: new Ec2Api({ client: clients.ec2, logger: params.logger }),
      s3: clients.s3,
      logger: params.logger,
    });
  },
  findLeftovers: async (params) => {
    const clients = await createAwsClients({ region: params.scope['region'] });
    const api = new Ec2Api({ client: clients.ec2 });
    return findEc2Leftovers({ api, s3: clients.s3, olderThanMs: params.olderThanMs, signal: params.signal });
  },
  removeLeftovers: async (params) => {
    const clients = await createAwsClients({ region: params.scope['region'] });
    return removeEc2Leftovers({ api: new Ec2Api({ client: clients.ec2 }), leftovers: params.leftovers, timing: defaultEc2Timing, signal: params.signal });
  },
};
