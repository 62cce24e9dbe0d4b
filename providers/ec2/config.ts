import type { Constraints, ValidateConfigResult } from '../../src/index.js';
import { editDistance, parseHostSpec, validateConstraints, type Problem } from '../../src/provider-config/index.js';
import {
  checkBucket, checkCidrs, checkHostKey, checkPrefix, checkRegion, checkResourceId, describeValue, isOpenToAll, regionPattern, type Check,
} from './config-checks.js';

// This module is loaded by the CLI's light descriptor: it must import no SDK and no ssh2.

/** A host that machines are reached through (ssh's ProxyJump), as the config gives it. */
export interface Ec2JumpHost {
  readonly user: string;
  readonly host: string;
  readonly port: number;
  /** The jump host's public key, `type base64` (comment dropped); unpinned when absent. */
  readonly hostKey?: string;
  /** The private key file it accepts, as written (`~/` not expanded, not read here). */
  readonly identityFile?: string;
}

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
  /** An AMI id; absent: the provider chooses the image. */
  readonly image?: string;
  /** The environment's default constraints, parsed. */
  readonly constraints?: Constraints;
  /** Sources allowed to reach port 22; IPv6 blocks contain `:`. */
  readonly sshCidrs: readonly string[];
  /** Whether `sshCidrs` includes `0.0.0.0/0` or `::/0`, so that the provider can warn. */
  readonly sshCidrOpenToAll: boolean;
  readonly jumpHost?: Ec2JumpHost;
  /** Reach machines on their private addresses only (no public address is asked for). */
  readonly privateAddressesOnly: boolean;
}

/** The keys an `ec2` config accepts, for docs and help. */
export const ec2ConfigKeys = [
  'region', 'bucket', 'prefix', 'vpc', 'subnets', 'image', 'constraints', 'ssh-cidr', 'jump-host', 'private-addresses-only',
] as const;

export const defaultEc2Config: Ec2Config = { prefix: '', sshCidrs: ['0.0.0.0/0'], sshCidrOpenToAll: true, privateAddressesOnly: false };

const jumpHostKeys = ['host', 'host-key', 'identity-file'] as const;
/** Words people reach for, mapped to the key they meant (hints only). */
const likelyMeant: Readonly<Record<string, string>> = {
  'aws-region': 'region', 's3-bucket': 'bucket', 'bucket-name': 'bucket', 'key-prefix': 'prefix', 'vpc-id': 'vpc', subnet: 'subnets',
  'subnet-id': 'subnets', 'subnet-ids': 'subnets', ami: 'image', 'ami-id': 'image', 'image-id': 'image', 'ssh-cidrs': 'ssh-cidr',
  'allowed-cidrs': 'ssh-cidr', 'ssh-source': 'ssh-cidr', bastion: 'jump-host', 'proxy-jump': 'jump-host', jump: 'jump-host',
  jumphost: 'jump-host', 'private-only': 'private-addresses-only', 'private-addresses': 'private-addresses-only',
  'use-private-addresses': 'private-addresses-only', 'private-ips': 'private-addresses-only', 'key-file': 'identity-file',
  identity: 'identity-file', 'private-key': 'identity-file', 'known-host': 'host-key', fingerprint: 'host-key',
};
/** Keys that belong in `constraints`, and credentials, which never belong in the config. */
const elsewhere: Readonly<Record<string, string>> = {
  'instance-type': 'instance types are constraints: set constraints: "instance-type=…"',
  zones: 'zones are constraints: set constraints: "zones=…"',
  'availability-zones': 'zones are constraints: set constraints: "zones=…"',
  arch: 'architectures are constraints: set constraints: "arch=…"',
  'access-key': credentialsHint(), 'access-key-id': credentialsHint(), 'secret-key': credentialsHint(),
  'secret-access-key': credentialsHint(), 'aws-access-key-id': credentialsHint(), 'aws-secret-access-key': credentialsHint(),
  'session-token': credentialsHint(), 'aws-session-token': credentialsHint(), profile: credentialsHint(), 'aws-profile': credentialsHint(),
  credentials: credentialsHint(),
};

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
  const image = read('image', checkResourceId('ami'));
  const constraints = read('constraints', checkConstraints(region));
  const sshCidrs = read('ssh-cidr', checkCidrs) ?? defaultEc2Config.sshCidrs;
  const jumpHost = read('jump-host', checkJumpHost);
  const privateAddressesOnly = read('private-addresses-only', checkBoolean) ?? false;
  const config: Ec2Config = {
    ...optional('region', region),
    ...optional('bucket', bucket),
    prefix,
    ...optional('vpc', vpc),
    ...optional('subnets', subnets),
    ...optional('image', image),
    ...optional('constraints', constraints),
    sshCidrs,
    sshCidrOpenToAll: sshCidrs.some(isOpenToAll),
    ...optional('jumpHost', jumpHost),
    privateAddressesOnly,
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

const checkJumpHost: Check<Ec2JumpHost> = (value, path, problems) => {
  const spec = isMapping(value) ? value['host'] : value;
  const specPath = isMapping(value) ? `${path}.host` : path;
  if (isMapping(value)) problems.push(...unknownKeys(value, jumpHostKeys, path));
  let host: { user: string; host: string; port: number } | undefined;
  if (typeof spec !== 'string') {
    const what = isMapping(value) && !('host' in value) ? 'is missing' : `is ${describeValue(spec)}`;
    problems.push({ path: specPath, message: `${what}; give the jump host as user@host or user@host:port, e.g. ec2-user@bastion.example.com` });
  } else {
    try {
      host = parseHostSpec(spec);
    } catch (error) {
      problems.push({ path: specPath, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const hostKey = isMapping(value) && 'host-key' in value ? checkHostKey(value['host-key'], `${path}.host-key`, problems) : undefined;
  const identityFile = isMapping(value) && 'identity-file' in value ? checkIdentityFile(value['identity-file'], `${path}.identity-file`, problems) : undefined;
  if (host === undefined) return undefined;
  return { ...host, ...optional('hostKey', hostKey), ...optional('identityFile', identityFile) };
};

const checkIdentityFile: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && value.includes('PRIVATE KEY')) {
    problems.push({ path, message: 'is a private key, not a file name; save the key in a file (mode 0600) and give its path, e.g. ~/.ssh/bastion' });
  } else if (typeof value !== 'string' || value.trim() === '' || /[\p{Cc}]/u.test(value)) {
    problems.push({ path, message: `must be the path of a private key file, e.g. ~/.ssh/bastion, got ${describeValue(value)}` });
  } else {
    return value;
  }
  return undefined;
};

const booleanWords: Readonly<Record<string, boolean>> = { yes: true, true: true, on: true, no: false, false: false, off: false };

const checkBoolean: Check<boolean> = (value, path, problems) => {
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const meant = word === undefined ? undefined : booleanWords[word];
  const hint = meant === undefined ? 'write true or false' : `write ${String(meant)} without quotes`;
  problems.push({ path, message: `must be true or false, got ${describeValue(value)}; ${hint}` });
  return undefined;
};

function unknownKeys(input: Record<string, unknown>, known: readonly string[], base: string): Problem[] {
  return Object.keys(input)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const path = base === '' ? key : `${base}.${key}`;
      const normal = key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
      if (base === '' && elsewhere[normal] !== undefined) return { path, message: `not an ec2 config key; ${elsewhere[normal]}` };
      const meant = closestKey(normal, known);
      const hint = meant === undefined ? '' : `; did you mean "${meant}"?`;
      return { path, message: `unknown key (accepted: ${known.join(', ')})${hint}` };
    });
}

function closestKey(normal: string, known: readonly string[]): string | undefined {
  const named = likelyMeant[normal] ?? known.find((key) => key === normal);
  if (named !== undefined && known.includes(named)) return named;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(normal, key);
    if (distance <= Math.min(2, Math.floor(key.length / 2)) && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function credentialsHint(): string {
  return 'credentials never go in the config: use AWS_PROFILE (after `aws configure` or `aws sso login`), the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables, or an instance role';
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `{ [key]: value }`, or `{}` for undefined: optional properties under exactOptionalPropertyTypes. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
