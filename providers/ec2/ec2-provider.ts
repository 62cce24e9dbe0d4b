import type { CleanupProvider } from '../../src/index.js';
import { openAwsServices } from './aws-clients.js';
import { ec2Capabilities } from './capabilities.js';
import type { Ec2Config } from './config.js';
import { Ec2Api } from './ec2-api.js';
import { Ec2Environ } from './ec2-environ.js';
import { defaultEc2Timing, type Ec2Timing } from './ec2-timing.js';
import type { Ec2RetryPolicy } from './ec2-retry.js';
import type { OpenEc2Services } from './ec2-services.js';
import { findEc2Leftovers } from './leftovers.js';
import { ec2PlacementFlags } from './placement-flags.js';
import { removeEc2Leftovers } from './remove-leftovers.js';
import { requireBucket, validateEc2ProviderConfig } from './require-bucket.js';

export interface CreateEc2ProviderParams {
  /** EC2 and provider-state's storage. Default `openAwsServices`: AWS through the SDK's clients and the standard credential chain. */
  readonly services?: OpenEc2Services | undefined;
  /** How throttled or transiently failed EC2 calls are retried. Default `defaultEc2Retry`. */
  readonly retry?: Ec2RetryPolicy | undefined;
  /** Polls and waits. Default `defaultEc2Timing`. */
  readonly timing?: Ec2Timing | undefined;
}

/**
 * An `ec2` provider over the given services: `ec2Provider` is the one on AWS; tests and
 * third parties pass their own `Ec2Adapter` (and storage) to run the same provider
 * without AWS, or over another transport.
 *
 * @example
 * const provider = createEc2Provider({ services: async () => ({ region: 'test-1', ec2: inMemoryEc2, stateStorage: () => new MemoryStorage() }) });
 */
export function createEc2Provider(params: CreateEc2ProviderParams = {}): CleanupProvider<Ec2Config> {
  const services = params.services ?? openAwsServices;
  const timing = params.timing ?? defaultEc2Timing;
  return {
    name: 'ec2',
    description: 'Amazon EC2 instances, provider-state in S3; credentials from the AWS SDK chain',
    capabilities: ec2Capabilities,
    validateConfig: ({ config }) => validateEc2ProviderConfig(config),
    placementFlags: ec2PlacementFlags,
    open: async (open) => {
      const config = requireBucket(open.config);
      const opened = await services({ region: config.region, profile: config.profile, assumeRole: config.assumeRole, environmentName: open.environment.name });
      return new Ec2Environ({
        environment: open.environment,
        config,
        region: opened.region,
        api: new Ec2Api({ adapter: opened.ec2, retry: params.retry, logger: open.logger }),
        stateStorage: (location) => opened.stateStorage(location),
        timing,
        logger: open.logger,
        iam: opened.iam,
      });
    },
    findLeftovers: async (find) => {
      const opened = await services({ region: find.scope['region'] });
      const api = new Ec2Api({ adapter: opened.ec2, retry: params.retry });
      return findEc2Leftovers({ api, stateStorage: (location) => opened.stateStorage(location), olderThanMs: find.olderThanMs, expired: find.expired, signal: find.signal });
    },
    removeLeftovers: async (remove) => {
      const opened = await services({ region: remove.scope['region'] });
      const api = new Ec2Api({ adapter: opened.ec2, retry: params.retry });
      return removeEc2Leftovers({ api, leftovers: remove.leftovers, timing, stateStorage: (location) => opened.stateStorage(location), signal: remove.signal });
    },
  };
}

/**
 * The `ec2` provider: machines are EC2 instances in one region, provider-state is an
 * object in an S3 bucket. Credentials, profile and endpoints come from the AWS SDK's
 * standard chain.
 *
 * @example
 * const environ = await ec2Provider.open({ environment, config: { ...defaultEc2Config, region: 'eu-west-1', bucket: 'acme-envboot' }, dataDir });
 */
export const ec2Provider: CleanupProvider<Ec2Config> = createEc2Provider();
