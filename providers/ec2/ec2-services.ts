import type { Storage } from '../../storage/index.js';
import type { Ec2Adapter } from './ec2-adapter.js';

/** Where an environment's provider-state lives: `s3://bucket/prefix`. */
export interface Ec2StateLocation {
  readonly bucket: string;
  /** Empty, or ending in `/`. */
  readonly prefix: string;
  /** Create the bucket on the first write when it is missing: the environment's own storage does; cleanup only reads. */
  readonly createBucket: boolean;
}

/**
 * What the ec2 provider works with in one region: EC2 through an adapter, and the
 * storage behind each provider-state location (S3 on AWS).
 */
export interface Ec2Services {
  readonly region: string;
  readonly ec2: Ec2Adapter;
  stateStorage(location: Ec2StateLocation): Storage;
}

/**
 * Opens the services for the configured region, or the default one (on AWS: the SDK's
 * chain, `AWS_REGION` or the profile's); called once per `open`, `findLeftovers` and
 * `removeLeftovers`. Resolves without network calls; rejects with `CONFIG_INVALID` when
 * there is no region.
 */
export type OpenEc2Services = (params: { readonly region?: string | undefined }) => Promise<Ec2Services>;
