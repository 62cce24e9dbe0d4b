import type { ValidateConfigResult } from '../../src/index.js';
import { ConfigError } from '../../src/provider-config/index.js';
import { validateEc2Config, type Ec2Config } from './config.js';

// A bucket is required, as Juju's ec2 provider once required its control bucket: bucket
// names are global, and a name envboot made up could not be found again from another client.
const bucketProblem = {
  path: 'bucket',
  message: 'required: the ec2 provider keeps provider-state in S3; name a bucket (e.g. acme-envboot-state), which envboot creates if it is missing',
};

/** `validateEc2Config`, plus the bucket the provider cannot work without. Light: no SDK. */
export function validateEc2ProviderConfig(raw: unknown): ValidateConfigResult<Ec2Config> {
  const checked = validateEc2Config(raw);
  if (!checked.ok || checked.config.bucket !== undefined) return checked;
  return { ok: false, problems: [bucketProblem] };
}

/** The config with its bucket, or `CONFIG_INVALID` (for configs built in code, not validated). */
export function requireBucket(config: Ec2Config): Ec2Config & { readonly bucket: string } {
  const { bucket } = config;
  if (bucket === undefined) throw new ConfigError('invalid ec2 config', { problems: [bucketProblem] });
  return { ...config, bucket };
}
