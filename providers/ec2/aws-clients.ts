import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import type { Storage } from '../../storage/index.js';
import { S3Storage } from '../../storage/s3/index.js';
import { ConfigError } from '../../src/index.js';
import { awsClientConfig } from './aws-client-config.js';
import { awsCredentials, type AwsAccess } from './aws-credentials.js';
import type { Ec2Services, Ec2StateLocation } from './ec2-services.js';
import { chosenProfile, requireProfile } from './profile-check.js';
import type { ProxyEnvironment } from './proxy-choice.js';
import { sdkEc2Adapter } from './sdk-ec2-adapter.js';
import { lazySdkIamAdapter } from './sdk-iam-adapter.js';

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly region: string;
}

export interface CreateAwsClientsParams extends AwsAccess {
  /** Absent: the SDK's chain decides (AWS_REGION, the profile's region). */
  readonly region?: string | undefined;
  /** Proxy variables, AWS_CA_BUNDLE and the shared files' paths are read here; default `process.env`. */
  readonly env?: ProxyEnvironment | undefined;
}

/**
 * The SDK clients, configured only where envboot has a reason (`awsClientConfig`: proxies,
 * AWS_CA_BUNDLE; `awsCredentials`: `profile`, `assume-role`); everything else (the default
 * credential chain, endpoints such as AWS_ENDPOINT_URL_EC2) comes from the SDK's own
 * chain, never parsed here. EC2 calls are sent once per attempt (`maxAttempts: 1`):
 * `Ec2Api` retries throttling itself, and must never retry an out-of-capacity answer.
 * Opening reads the environment and the shared config files, not the network; a missing
 * profile, region or CA bundle is `ConfigError`.
 */
export async function createAwsClients(params: CreateAwsClientsParams): Promise<AwsClients> {
  const env = params.env ?? process.env;
  const profile = chosenProfile(params.profile, env);
  if (profile !== undefined) await requireProfile(profile.name, env, profile.source);
  const region = await resolveRegion(params);
  const credentials = await awsCredentials({ access: params, region, env });
  const shared = { region, profile: params.profile, credentials, env };
  const ec2 = new EC2Client({ ...awsClientConfig({ service: 'EC2', ...shared }), maxAttempts: 1 });
  // S3 answers redirects for buckets in another region; the SDK follows them when asked.
  const s3 = new S3Client({ ...awsClientConfig({ service: 'S3', ...shared }), followRegionRedirects: true });
  return { ec2, s3, region };
}

/** The ec2 provider's default services: AWS itself, through the SDK's clients (`createAwsClients`). */
export async function openAwsServices(params: CreateAwsClientsParams): Promise<Ec2Services> {
  const clients = await createAwsClients(params);
  // IAM (only `instance-profile` reads it) signs with EC2's credentials and reaches AWS as the others do (proxy, CA bundle).
  const iam = lazySdkIamAdapter(() => ({
    ...awsClientConfig({ service: 'IAM', region: clients.region, profile: params.profile, env: params.env }),
    credentials: clients.ec2.config.credentials,
  }));
  return { region: clients.region, ec2: sdkEc2Adapter(clients.ec2), stateStorage: s3StateStorage(clients.s3), iam };
}

/** Provider-state in S3 through `client`: `S3Storage` for each location. */
export function s3StateStorage(client: S3Client): (location: Ec2StateLocation) => Storage {
  return (location) => new S3Storage({ client, ...location });
}

/** The region as the SDK resolves it (configured, AWS_REGION, the profile's), with a client that is never sent anything. */
async function resolveRegion(params: CreateAwsClientsParams): Promise<string> {
  const probe = new EC2Client({ ...(params.region === undefined ? {} : { region: params.region }), ...(params.profile === undefined ? {} : { profile: params.profile }) });
  try {
    return await probe.config.region();
  } catch (error) {
    const profile = params.profile === undefined ? 'the profile\'s region' : `a region in profile "${params.profile}"`;
    throw new ConfigError(`no AWS region is set: add "region" to the environment's config, or set AWS_REGION (or ${profile})`, { cause: error });
  } finally {
    probe.destroy();
  }
}
