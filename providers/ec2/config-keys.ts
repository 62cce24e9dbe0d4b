import { editDistance, type Problem } from '../../src/provider-config/index.js';

// What an unknown key in an ec2 config most likely meant: a typo, another tool's word for
// it, or something that belongs elsewhere (constraints, the credential chain).

/** Words people reach for, mapped to the key they meant (hints only). */
const likelyMeant: Readonly<Record<string, string>> = {
  'aws-region': 'region', 's3-bucket': 'bucket', 'bucket-name': 'bucket', 'key-prefix': 'prefix', 'vpc-id': 'vpc', subnet: 'subnets',
  'subnet-id': 'subnets', 'subnet-ids': 'subnets', ami: 'image', 'ami-id': 'image', 'image-id': 'image', 'ssh-cidrs': 'ssh-cidr',
  'allowed-cidrs': 'ssh-cidr', 'ssh-source': 'ssh-cidr', bastion: 'jump-host', 'proxy-jump': 'jump-host', jump: 'jump-host',
  jumphost: 'jump-host', 'private-only': 'private-addresses-only', 'private-addresses': 'private-addresses-only',
  'use-private-addresses': 'private-addresses-only', 'private-ips': 'private-addresses-only', 'key-file': 'identity-file',
  identity: 'identity-file', 'private-key': 'identity-file', 'known-host': 'host-key', fingerprint: 'host-key',
  'iam-instance-profile': 'instance-profile', 'instance-profile-name': 'instance-profile', 'instance-profile-arn': 'instance-profile',
  'iam-profile': 'instance-profile', 'instance-role': 'instance-profile', 'iam-role': 'instance-profile', 'use-spot': 'spot',
  'spot-instances': 'spot', 'spot-instance': 'spot', preemptible: 'spot', 'spot-price': 'spot-max-price', 'max-price': 'spot-max-price',
  'max-spot-price': 'spot-max-price',
  tags: 'resource-tags', tag: 'resource-tags', 'instance-tags': 'resource-tags', 'default-tags': 'resource-tags', 'extra-tags': 'resource-tags',
  expiry: 'ttl', expires: 'ttl', 'expires-in': 'ttl', 'time-to-live': 'ttl', lifetime: 'ttl',
  'aws-profile': 'profile', 'profile-name': 'profile', 'role-arn': 'assume-role', 'assume-role-arn': 'assume-role', role: 'assume-role',
  'sts-role': 'assume-role', 'iam-role-arn': 'assume-role',
};
/** Keys that belong in `constraints`, and credentials, which never belong in the config. */
const elsewhere: Readonly<Record<string, string>> = {
  'instance-type': 'instance types are constraints: set constraints: "instance-type=…"',
  zones: 'zones are constraints: set constraints: "zones=…"',
  'availability-zones': 'zones are constraints: set constraints: "zones=…"',
  arch: 'architectures are constraints: set constraints: "arch=…"',
  'access-key': credentialsHint(), 'access-key-id': credentialsHint(), 'secret-key': credentialsHint(),
  'secret-access-key': credentialsHint(), 'aws-access-key-id': credentialsHint(), 'aws-secret-access-key': credentialsHint(),
  'session-token': credentialsHint(), 'aws-session-token': credentialsHint(), credentials: credentialsHint(),
  'external-id': 'an external id goes with its role: assume-role: { arn: …, external-id: … }',
  'role-session-name': 'a session name goes with its role: assume-role: { arn: …, session-name: … }',
  'session-name': 'a session name goes with its role: assume-role: { arn: …, session-name: … }',
};

/** One problem per key of `input` not in `known`, with what it most likely meant. */
export function unknownKeys(input: Record<string, unknown>, known: readonly string[], base: string): Problem[] {
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
  return 'credentials never go in the config: use AWS_PROFILE or the profile key (profile: NAME, after `aws configure --profile NAME` or `aws sso login --profile NAME`), the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables, or an instance role';
}
