import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../src/index.js';

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
