import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import type { Storage } from '../../storage/index.js';
import { S3Storage } from '../../storage/s3/index.js';
import { ConfigError } from '../../src/index.js';
import type { Ec2Services, Ec2StateLocation } from './ec2-services.js';
import { sdkEc2Adapter } from './sdk-ec2-adapter.js';

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly region: string;
}

/**
 * The SDK clients, configured only where envboot has a reason: everything else
 * (credentials, profile, endpoints such as AWS_ENDPOINT_URL_EC2) comes from the SDK's own
 * chain, never parsed here. EC2 calls are sent once per attempt (`maxAttempts: 1`):
 * `Ec2Api` retries throttling itself, and must never retry an out-of-capacity answer.
 * Resolving the region reads the environment and the shared config file, not the network.
 */
export async function createAwsClients(params: { readonly region?: string | undefined }): Promise<AwsClients> {
  const regional = params.region === undefined ? {} : { region: params.region };
  const ec2 = new EC2Client({ ...regional, maxAttempts: 1 });
  let region: string;
  try {
    region = await ec2.config.region();
  } catch (error) {
    ec2.destroy();
    throw new ConfigError('no AWS region is set: add "region" to the environment\'s config, or set AWS_REGION (or the profile\'s region)', { cause: error });
  }
  // S3 answers redirects for buckets in another region; the SDK follows them when asked.
  const s3 = new S3Client({ region, followRegionRedirects: true });
  return { ec2, s3, region };
}

/** The ec2 provider's default services: AWS itself, through the SDK's clients (`createAwsClients`). */
export async function openAwsServices(params: { readonly region?: string | undefined }): Promise<Ec2Services> {
  const clients = await createAwsClients(params);
  return { region: clients.region, ec2: sdkEc2Adapter(clients.ec2), stateStorage: s3StateStorage(clients.s3) };
}

/** Provider-state in S3 through `client`: `S3Storage` for each location. */
export function s3StateStorage(client: S3Client): (location: Ec2StateLocation) => Storage {
  return (location) => new S3Storage({ client, ...location });
}
