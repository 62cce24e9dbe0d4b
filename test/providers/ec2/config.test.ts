import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultEc2Config, ec2ConfigKeys, validateEc2Config, type Ec2Config } from '../../../providers/ec2/config.js';

/** An OpenSSH public key line whose blob names `type` (validation looks no further). */
function keyLine(type: string, blobType = type): string {
  const name = Buffer.from(blobType);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return `${type} ${Buffer.concat([length, name, randomBytes(40)]).toString('base64')}`;
}

const ed25519 = keyLine('ssh-ed25519');

function problemsOf(config: unknown): readonly { path: string; message: string }[] {
  const result = validateEc2Config(config);
  assert.ok(!result.ok, `expected problems for ${JSON.stringify(config)}`);
  return result.problems;
}

describe('validateEc2Config', () => {
  const defaults: Ec2Config = { prefix: '', sshCidrs: ['0.0.0.0/0'], sshCidrOpenToAll: true, privateAddressesOnly: false };
  const accepted: [string, unknown, Ec2Config][] = [
    ['no config', undefined, defaults],
    ['null', null, defaults],
    ['an empty mapping', {}, defaults],
    ['a region', { region: 'eu-central-1' }, { ...defaults, region: 'eu-central-1' }],
    ['a GovCloud region', { region: 'us-gov-west-1' }, { ...defaults, region: 'us-gov-west-1' }],
    ['a China region', { region: 'cn-north-1' }, { ...defaults, region: 'cn-north-1' }],
    ['a bucket', { bucket: 'my-envboot.state-1' }, { ...defaults, bucket: 'my-envboot.state-1' }],
    ['a prefix, given a trailing slash', { prefix: 'envboot/prod' }, { ...defaults, prefix: 'envboot/prod/' }],
    ['a prefix with its slash', { prefix: 'envboot/prod/' }, { ...defaults, prefix: 'envboot/prod/' }],
    ['an empty prefix', { prefix: '' }, defaults],
    ['a VPC with a short id', { vpc: 'vpc-0a1b2c3d' }, { ...defaults, vpc: 'vpc-0a1b2c3d' }],
    ['subnets without a VPC', { subnets: ['subnet-0a1b2c3d4e5f67890', 'subnet-1234abcd'] }, { ...defaults, subnets: ['subnet-0a1b2c3d4e5f67890', 'subnet-1234abcd'] }],
    ['an image', { image: 'ami-0a1b2c3d4e5f67890' }, { ...defaults, image: 'ami-0a1b2c3d4e5f67890' }],
    [
      'constraints',
      { constraints: 'cores=2 mem=4G arch=amd64 root-disk=20G instance-type=t3.large' },
      { ...defaults, constraints: { cores: 2, memoryMiB: 4096, arch: 'amd64', rootDiskMiB: 20480, instanceType: 't3.large' } },
    ],
    ['zones of the configured region', { region: 'us-east-1', constraints: 'zones=us-east-1a,use1-az2' }, { ...defaults, region: 'us-east-1', constraints: { zones: ['us-east-1a', 'use1-az2'] } }],
    ['one SSH CIDR', { 'ssh-cidr': '203.0.113.0/24' }, { ...defaults, sshCidrs: ['203.0.113.0/24'], sshCidrOpenToAll: false }],
    [
      'a list of SSH CIDRs, IPv6 normalised',
      { 'ssh-cidr': ['198.51.100.7/32', '2001:DB8:0:0::/64', '::ffff:192.0.2.0/120'] },
      { ...defaults, sshCidrs: ['198.51.100.7/32', '2001:db8::/64', '::ffff:192.0.2.0/120'], sshCidrOpenToAll: false },
    ],
    ['SSH open to all over IPv6', { 'ssh-cidr': ['::/0'] }, { ...defaults, sshCidrs: ['::/0'], sshCidrOpenToAll: true }],
    ['a jump host string', { 'jump-host': 'ec2-user@bastion.example.com' }, { ...defaults, jumpHost: { user: 'ec2-user', host: 'bastion.example.com', port: 22 } }],
    [
      'a jump host mapping',
      { 'jump-host': { host: 'ops@[2001:db8::1]:2222', 'host-key': `${ed25519} root@bastion`, 'identity-file': '~/.ssh/bastion' } },
      { ...defaults, jumpHost: { user: 'ops', host: '2001:db8::1', port: 2222, hostKey: ed25519, identityFile: '~/.ssh/bastion' } },
    ],
    ['private addresses only, without a jump host', { 'private-addresses-only': true }, { ...defaults, privateAddressesOnly: true }],
  ];
  for (const [name, config, expected] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(validateEc2Config(config), { ok: true, config: expected });
    });
  }

  it('accepts every host key type', () => {
    for (const type of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']) {
      const key = keyLine(type);
      const result = validateEc2Config({ 'jump-host': { host: 'u@h', 'host-key': key } });
      assert.ok(result.ok, type);
      assert.equal(result.config.jumpHost?.hostKey, key);
    }
  });

  it('gives the defaults for an absent config, and lists its keys', () => {
    assert.deepEqual(defaultEc2Config, defaults);
    assert.deepEqual([...ec2ConfigKeys].sort(), ['assume-role', 'bucket', 'constraints', 'image', 'instance-profile', 'jump-host', 'prefix', 'private-addresses-only', 'profile', 'region', 'resource-tags', 'spot', 'spot-max-price', 'ssh-cidr', 'subnets', 'ttl', 'vpc']);
  });

  // Each refused value: the path of every problem, and what each message must say.
  const refused: [string, unknown, string[], RegExp[]][] = [
    ['a list', ['region'], [''], [/must be a mapping/]],
    ['a string', 'us-east-1', [''], [/must be a mapping .*region/]],
    ['a region in upper case', { region: 'US-EAST-1' }, ['region'], [/did you mean "us-east-1"/]],
    ['a zone for a region', { region: 'us-east-1a' }, ['region'], [/availability zone; the region is us-east-1/]],
    ['a region by its display name', { region: 'Frankfurt' }, ['region'], [/not an AWS region name.*eu-central-1/]],
    ['a region that is not a string', { region: 1 }, ['region'], [/number 1 is not an AWS region/]],
    ['a short bucket name', { bucket: 'ab' }, ['bucket'], [/2 characters long; bucket names have 3 to 63/]],
    ['a long bucket name', { bucket: 'a'.repeat(64) }, ['bucket'], [/64 characters long/]],
    ['a bucket in upper case with underscores', { bucket: 'My_Bucket' }, ['bucket', 'bucket'], [/upper-case.*"my-bucket"/, /underscores.*hyphens/]],
    ['a bucket with other characters', { bucket: 'my+bucket!' }, ['bucket', 'bucket'], [/"\+", "!"; use only lower-case/, /start and end with a letter or digit/]],
    ['a bucket starting with a hyphen', { bucket: '-bucket' }, ['bucket'], [/start and end with a letter or digit/]],
    ['a bucket with two dots in a row', { bucket: 'my..bucket' }, ['bucket'], [/two dots in a row/]],
    ['a bucket named like an IP address', { bucket: '192.168.5.4' }, ['bucket'], [/IP address/]],
    ['a bucket with a reserved prefix', { bucket: 'xn--bucket' }, ['bucket'], [/starts with "xn--", which S3 reserves/]],
    ['a bucket with a reserved suffix', { bucket: 'bucket-s3alias' }, ['bucket'], [/ends with "-s3alias", which S3 reserves/]],
    ['a bucket that is a number', { bucket: 123 }, ['bucket'], [/must be an S3 bucket name.*number 123/]],
    ['a prefix with a leading slash', { prefix: '/envboot/' }, ['prefix'], [/must not start with "\/".*"envboot\/"/]],
    ['a prefix with a double slash', { prefix: 'envboot//prod' }, ['prefix'], [/"\/\/", an empty path segment/]],
    ['a prefix with a line break', { prefix: 'env\nboot' }, ['prefix'], [/control characters/]],
    ['a prefix that is a list', { prefix: ['a'] }, ['prefix'], [/must be an object key prefix/]],
    ['a VPC id without its prefix', { vpc: '0a1b2c3d' }, ['vpc'], [/did you mean "vpc-0a1b2c3d"/]],
    ['a VPC id of the wrong length', { vpc: 'vpc-123' }, ['vpc'], [/8 or 17 hex digits/]],
    ['a subnet id as the VPC', { vpc: 'subnet-0a1b2c3d' }, ['vpc'], [/that is a subnet id/]],
    ['a VPC id in upper case', { vpc: 'VPC-0A1B2C3D' }, ['vpc'], [/did you mean "vpc-0a1b2c3d"/]],
    ['subnets as one string', { subnets: 'subnet-0a1b2c3d' }, ['subnets'], [/non-empty list of subnet ids, e.g. \[subnet-0a1b2c3d\]/]],
    ['an empty subnet list', { subnets: [] }, ['subnets'], [/non-empty list/]],
    ['bad and repeated subnets', { subnets: ['subnet-0a1b2c3d', 'sub-1', 'subnet-0a1b2c3d', 7] }, ['subnets[1]', 'subnets[2]', 'subnets[3]'], [/not a subnet id/, /listed twice/, /number 7/]],
    ['an image name for an AMI id', { image: 'ubuntu-24.04' }, ['image'], [/not an AMI id.*leave image out/]],
    ['a snapshot id for an image', { image: 'snap-0a1b2c3d' }, ['image'], [/that is a snapshot id/]],
    ['malformed constraints', { constraints: 'cores=two memory=4G' }, ['constraints', 'constraints'], [/"cores=two": must be a whole number/, /did you mean "mem"/]],
    ['constraints as a mapping', { constraints: { cores: 2, mem: '4G' } }, ['constraints'], [/a string of key=value words, e.g. "cores=2 mem=4G"/]],
    ['an architecture EC2 lacks', { constraints: 'arch=s390x' }, ['constraints'], [/EC2 has no s390x instances/]],
    ['a zone of another region', { region: 'us-east-1', constraints: 'zones=eu-west-1a' }, ['constraints'], [/in eu-west-1, not in the configured region us-east-1/]],
    ['an address without a prefix length', { 'ssh-cidr': '203.0.113.7' }, ['ssh-cidr'], [/no prefix length; for this one address write 203\.0\.113\.7\/32/]],
    ['host bits set', { 'ssh-cidr': ['10.1.2.3/8', '2001:db8::1/32'] }, ['ssh-cidr[0]', 'ssh-cidr[1]'], [/host bits set.*10\.0\.0\.0\/8/, /host bits set.*2001:db8::\/32/]],
    ['a prefix length too long', { 'ssh-cidr': '10.0.0.0/33' }, ['ssh-cidr'], [/an IPv4 prefix is 0 to 32/]],
    ['not an address', { 'ssh-cidr': ['my-office', '300.1.1.1/32', 'fe80::%eth0/64'] }, ['ssh-cidr[0]', 'ssh-cidr[1]', 'ssh-cidr[2]'], [/is not an address range/, /is not an address range/, /is not an address range/]],
    ['a repeated CIDR', { 'ssh-cidr': ['2001:db8::/32', '2001:DB8:0::/32'] }, ['ssh-cidr[1]'], [/listed twice/]],
    ['an empty CIDR list', { 'ssh-cidr': [] }, ['ssh-cidr'], [/CIDR block or a list/]],
    ['a jump host without a user', { 'jump-host': 'bastion.example.com' }, ['jump-host'], [/user@host/]],
    ['a jump host with a bad port', { 'jump-host': 'u@bastion:99999' }, ['jump-host'], [/user@host:port/]],
    ['a jump host mapping without host', { 'jump-host': { 'identity-file': '~/.ssh/id' } }, ['jump-host.host'], [/is missing; give the jump host/]],
    ['a jump host with unknown keys', { 'jump-host': { host: 'u@h', hostKey: ed25519, port: 22 } }, ['jump-host.hostKey', 'jump-host.port'], [/did you mean "host-key"/, /accepted: host, host-key, identity-file/]],
    ['a jump host that is a number', { 'jump-host': 22 }, ['jump-host'], [/is number 22; give the jump host as user@host/]],
    ['an identity file that is empty', { 'jump-host': { host: 'u@h', 'identity-file': '' } }, ['jump-host.identity-file'], [/path of a private key file/]],
    ['private addresses only as "yes"', { 'private-addresses-only': 'yes' }, ['private-addresses-only'], [/must be true or false, got "yes"; write true without quotes/]],
    ['private addresses only as a number', { 'private-addresses-only': 1 }, ['private-addresses-only'], [/write true or false$/]],
    ['a null value', { bucket: null }, ['bucket'], [/nothing \(null\)/]],
  ];
  for (const [name, config, paths, messages] of refused) {
    it(`refuses ${name}`, () => {
      const problems = problemsOf(config);
      assert.deepEqual(problems.map((p) => p.path), paths);
      messages.forEach((pattern, index) => {
        assert.match(problems[index]?.message ?? '', pattern);
      });
    });
  }

  const badHostKeys: [string, string, RegExp][] = [
    ['a known_hosts line', `bastion.example.com ${ed25519}`, /known_hosts line; drop "bastion.example.com" in front/],
    ['a DSA key', keyLine('ssh-dss'), /DSA key/],
    ['an unknown type', keyLine('ssh-foo'), /key type "ssh-foo"; use one of ssh-ed25519/],
    ['a blob of another type', keyLine('ssh-ed25519', 'ssh-rsa'), /not a base64 ssh-ed25519 key/],
    ['data that is not base64', 'ssh-ed25519 not*base64', /not a base64 ssh-ed25519 key/],
    ['no key data', 'ssh-ed25519', /not a base64 ssh-ed25519 key/],
    ['a number', 42 as unknown as string, /must be an OpenSSH public key line, got number 42/],
  ];
  for (const [name, hostKey, pattern] of badHostKeys) {
    it(`refuses a host key that is ${name}`, () => {
      const problems = problemsOf({ 'jump-host': { host: 'u@h', 'host-key': hostKey } });
      assert.deepEqual(problems.map((p) => p.path), ['jump-host.host-key']);
      assert.match(problems[0]?.message ?? '', pattern);
    });
  }

  it('never echoes a private key given as the host key or identity file', () => {
    const secret = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----';
    const problems = problemsOf({ 'jump-host': { host: 'u@h', 'host-key': secret, 'identity-file': secret } });
    assert.deepEqual(problems.map((p) => p.path), ['jump-host.host-key', 'jump-host.identity-file']);
    assert.match(problems[0]?.message ?? '', /is a private key; give the jump host's public host key/);
    assert.match(problems[1]?.message ?? '', /is a private key, not a file name/);
    for (const problem of problems) assert.ok(!problem.message.includes('b3BlbnNzaC'), problem.message);
  });

  const unknownKeys: [string, RegExp][] = [
    ['ssh_cidr', /did you mean "ssh-cidr"\?/],
    ['privateAddressesOnly', /did you mean "private-addresses-only"\?/],
    ['jumpHost', /did you mean "jump-host"\?/],
    ['regoin', /did you mean "region"\?/],
    ['subnet', /did you mean "subnets"\?/],
    ['ami', /did you mean "image"\?/],
    ['vpc_id', /did you mean "vpc"\?/],
    ['instance-type', /instance types are constraints: set constraints: "instance-type=…"/],
    ['zones', /zones are constraints/],
    ['aws_secret_access_key', /credentials never go in the config: use AWS_PROFILE/],
    ['colour', new RegExp(`^unknown key \\(accepted: ${ec2ConfigKeys.join(', ')}\\)$`)],
  ];
  for (const [key, pattern] of unknownKeys) {
    it(`refuses the unknown key ${key}, with a hint`, () => {
      const problems = problemsOf({ [key]: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
      assert.deepEqual(problems.map((p) => p.path), [key]);
      assert.match(problems[0]?.message ?? '', pattern);
      assert.ok(!(problems[0]?.message ?? '').includes('EXAMPLEKEY'), 'the value is never echoed');
    });
  }

  it('reports every problem at once, in key order', () => {
    const problems = problemsOf({
      regoin: 'us-east-1',
      region: 'US-EAST-1',
      bucket: 'B',
      vpc: 'vpc-1',
      constraints: 'cores=0',
      'ssh-cidr': '1.2.3.4/16',
      'jump-host': 'nobody',
      'private-addresses-only': 'no',
    });
    assert.deepEqual(problems.map((p) => p.path), [
      'regoin', 'region', 'bucket', 'bucket', 'vpc', 'constraints', 'ssh-cidr', 'jump-host', 'private-addresses-only',
    ]);
  });
});
