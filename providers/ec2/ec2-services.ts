import type { Storage } from '../../storage/index.js';
import type { AwsAccess } from './aws-credentials.js';
import type { Ec2Adapter } from './ec2-adapter.js';
import type { IamAdapter } from './iam-adapter.js';

/** Where an environment's provider-state lives: `s3://bucket/prefix`. */
export interface Ec2StateLocation {
  readonly bucket: string;
  /** Empty, or ending in `/`. */
  readonly prefix: string;
  /** Create the bucket on the first write when it is missing: the environment's own storage does; cleanup only reads. */
  readonly createBucket: boolean;
}

/**
 * What the ec2 provider works with in one region: EC2 through an adapter, the
 * storage behind each provider-state location (S3 on AWS), and IAM where it can be read.
 */
export interface Ec2Services {
  readonly region: string;
  readonly ec2: Ec2Adapter;
  stateStorage(location: Ec2StateLocation): Storage;
  /** IAM, read to check `instance-profile` before anything is created; absent: not checked (RunInstances refuses a bad one). */
  readonly iam?: IamAdapter | undefined;
}

/**
 * Opens the services for the configured region, or the default one (on AWS: the SDK's
 * chain, `AWS_REGION` or the profile's); called once per `open`, `findLeftovers` and
 * `removeLeftovers`. Resolves without network calls; rejects with `CONFIG_INVALID` when
 * there is no region (or no such `profile`). `open` also passes the environment's AWS
 * identity (`profile`, `assume-role`, its name for the role session); services that do not
 * talk to AWS ignore it.
 */
export type OpenEc2Services = (params: { readonly region?: string | undefined } & AwsAccess) => Promise<Ec2Services>;
