import type { Constraints, ValidateConfigResult } from '../../src/index.js';
import { validateConstraints, type Problem } from '../../src/provider-config/index.js';
import { checkBucket, checkCidrs, checkPrefix, checkRegion, checkResourceId, describeValue, isOpenToAll, regionPattern, type Check } from './config-checks.js';
import { checkImage, type Ec2ImageName } from './config-image.js';
import { unknownKeys } from './config-keys.js';
import { checkBoolean, isMapping, optional } from './config-values.js';
import { checkJumpHost, type Ec2JumpHost } from './jump-host-config.js';
import { checkInstanceProfile, checkSpotMaxPrice, spotPriceProblems, type Ec2InstanceProfile } from './config-launch.js';
import { checkResourceTags } from './config-tags.js';
import { checkTtl } from './config-ttl.js';
import { checkAssumeRole, checkProfile, type Ec2AssumeRole } from './config-access.js';

// This module is loaded by the CLI's light descriptor: it must import no SDK and no ssh2.

export type { Ec2JumpHost } from './jump-host-config.js';
export type { Ec2ImageName } from './config-image.js';
export type { Ec2InstanceProfile } from './config-launch.js';
export type { Ec2AssumeRole } from './config-access.js';

/** The `ec2` provider's config, validated: what an environment in `environments.yaml` may set. */
export interface Ec2Config {
  /** Absent: the SDK's chain decides (AWS_REGION, the profile's region). */
  readonly region?: string;
  /** The S3 bucket for provider-state; absent: the provider names one. */
  readonly bucket?: string;
  /** Object key prefix inside the bucket: empty, or ending with `/`. */
  readonly prefix: string;
  readonly vpc?: string;
  readonly subnets?: readonly string[];
  /** An AMI id; absent (and no `imageName`): the newest Ubuntu LTS of the machine's architecture. */
  readonly image?: string;
  /** `image: {name, owner, arch?}`: the newest available match per architecture. */
  readonly imageName?: Ec2ImageName;
  /** The environment's default constraints, parsed. */
  readonly constraints?: Constraints;
  /** Sources allowed to reach port 22; IPv6 blocks contain `:`. */
  readonly sshCidrs: readonly string[];
  /** Whether `sshCidrs` includes `0.0.0.0/0` or `::/0`, so that the provider can warn. */
  readonly sshCidrOpenToAll: boolean;
  readonly jumpHost?: Ec2JumpHost;
  /** Reach machines on their private addresses only (no public address is asked for). */
  readonly privateAddressesOnly: boolean;
  /** The IAM instance profile machines start with (RunInstances' IamInstanceProfile). */
  readonly instanceProfile?: Ec2InstanceProfile;
  /** Start machines as one-time spot instances (terminated when EC2 takes them back); `--spot` sets it per command. */
  readonly spot?: boolean;
  /** Spot's price cap in USD per hour; absent: the on-demand price. */
  readonly spotMaxPrice?: string;
  /** Tags for every resource, at creation, beside envboot's own (`resource-tags`, and `--tag` per command). */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** How long after bootstrap the environment expires (`ttl`, or `--ttl`); absent: never. */
  readonly ttlMs?: number;
  /** The shared-config profile whose credentials and settings the AWS clients use; absent: AWS_PROFILE, or the SDK's default chain. */
  readonly profile?: string;
  /** The IAM role every AWS call is made as (STS AssumeRole with the profile's, or the chain's, credentials). */
  readonly assumeRole?: Ec2AssumeRole;
}

/** The keys an `ec2` config accepts, for docs and help. */
export const ec2ConfigKeys = [
  'region', 'bucket', 'prefix', 'vpc', 'subnets', 'image', 'constraints', 'ssh-cidr', 'jump-host', 'private-addresses-only',
  'instance-profile', 'spot', 'spot-max-price', 'resource-tags', 'ttl', 'profile', 'assume-role',
] as const;

export const defaultEc2Config: Ec2Config = { prefix: '', sshCidrs: ['0.0.0.0/0'], sshCidrOpenToAll: true, privateAddressesOnly: false };

/**
 * Checks a raw `ec2` config (kebab-case keys) and returns every problem at once, each
 * with its path. Pure and synchronous. An absent config means the defaults: region from
 * the SDK's chain, SSH open to `0.0.0.0/0`, public addresses used.
 *
 * @example
 * validateEc2Config({ region: 'eu-central-1', constraints: 'cores=2 mem=4G', 'ssh-cidr': '203.0.113.0/24' });
 * // { ok: true, config: { region: 'eu-central-1', prefix: '', constraints: { cores: 2, memoryMiB: 4096 },
 * //   sshCidrs: ['203.0.113.0/24'], sshCidrOpenToAll: false, privateAddressesOnly: false } }
 */
export function validateEc2Config(raw: unknown): ValidateConfigResult<Ec2Config> {
  if (raw === undefined || raw === null) return { ok: true, config: defaultEc2Config };
  if (!isMapping(raw)) {
    return { ok: false, problems: [{ path: '', message: `the ec2 provider's config must be a mapping (${ec2ConfigKeys.join(', ')}), got ${describeValue(raw)}` }] };
  }
  const problems: Problem[] = [];
  problems.push(...unknownKeys(raw, ec2ConfigKeys, ''));
  const read = <T>(key: string, check: Check<T>): T | undefined => (key in raw ? check(raw[key], key, problems) : undefined);
  const region = read('region', checkRegion);
  const bucket = read('bucket', checkBucket);
  const prefix = read('prefix', checkPrefix) ?? '';
  const vpc = read('vpc', checkResourceId('vpc'));
  const subnets = read('subnets', checkSubnets);
  const image = read('image', checkImage);
  const constraints = read('constraints', checkConstraints(region));
  const sshCidrs = read('ssh-cidr', checkCidrs) ?? defaultEc2Config.sshCidrs;
  const jumpHost = read('jump-host', checkJumpHost);
  const privateAddressesOnly = read('private-addresses-only', checkBoolean) ?? false;
  const instanceProfile = read('instance-profile', checkInstanceProfile);
  const spot = read('spot', checkBoolean);
  const spotMaxPrice = read('spot-max-price', checkSpotMaxPrice);
  problems.push(...spotPriceProblems(spot, spotMaxPrice));
  const resourceTags = read('resource-tags', checkResourceTags);
  const ttlMs = read('ttl', checkTtl);
  const profile = read('profile', checkProfile);
  const assumeRole = read('assume-role', checkAssumeRole);
  const config: Ec2Config = {
    ...optional('region', region),
    ...optional('bucket', bucket),
    prefix,
    ...optional('vpc', vpc),
    ...optional('subnets', subnets),
    ...optional('image', image !== undefined && 'id' in image ? image.id : undefined),
    ...optional('imageName', image !== undefined && 'named' in image ? image.named : undefined),
    ...optional('constraints', constraints),
    sshCidrs,
    sshCidrOpenToAll: sshCidrs.some(isOpenToAll),
    ...optional('jumpHost', jumpHost),
    privateAddressesOnly,
    ...optional('instanceProfile', instanceProfile),
    ...optional('spot', spot),
    ...optional('spotMaxPrice', spotMaxPrice),
    ...optional('resourceTags', resourceTags),
    ...optional('ttlMs', ttlMs),
    ...optional('profile', profile),
    ...optional('assumeRole', assumeRole),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

const checkSubnet = checkResourceId('subnet');

const checkSubnets: Check<string[]> = (value, path, problems) => {
  if (!Array.isArray(value) || value.length === 0) {
    const example = typeof value === 'string' ? value : 'subnet-0a1b2c3d4e5f67890';
    problems.push({ path, message: `must be a non-empty list of subnet ids, e.g. [${example}], got ${describeValue(value)}` });
    return undefined;
  }
  const subnets: string[] = [];
  value.forEach((item: unknown, index) => {
    const subnet = checkSubnet(item, `${path}[${index}]`, problems);
    if (subnet !== undefined && subnets.includes(subnet)) problems.push({ path: `${path}[${index}]`, message: `${subnet} is listed twice; list each subnet once` });
    else if (subnet !== undefined) subnets.push(subnet);
  });
  return subnets.length === value.length ? subnets : undefined;
};

/** EC2's architectures in the constraint vocabulary. */
const ec2Arches = ['amd64', 'arm64'];

function checkConstraints(region: string | undefined): Check<Constraints> {
  return (value, path, problems) => {
    if (typeof value !== 'string') {
      const example = isMapping(value) ? Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'cores=2 mem=4G';
      problems.push({ path, message: `must be a string of key=value words, e.g. "${example}", got ${describeValue(value)}` });
      return undefined;
    }
    const result = validateConstraints(value);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => ({ path, message: p.message })));
      return undefined;
    }
    const { arch, zones = [] } = result.constraints;
    const before = problems.length;
    if (arch !== undefined && !ec2Arches.includes(arch)) problems.push({ path, message: `EC2 has no ${arch} instances; use arch=amd64 or arch=arm64` });
    for (const zone of zones) {
      const zoneRegion = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d/.exec(zone)?.[0];
      if (region !== undefined && zoneRegion !== undefined && regionPattern.test(zoneRegion) && zoneRegion !== region) {
        problems.push({ path, message: `zone ${JSON.stringify(zone)} is in ${zoneRegion}, not in the configured region ${region}; name zones of ${region}` });
      }
    }
    return problems.length === before ? result.constraints : undefined;
  };
}

