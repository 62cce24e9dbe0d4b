import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  type IpPermission,
  type RunInstancesCommandInput,
  type _InstanceType,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { type FakeEc2, type FakeEc2LaunchedInstance, type StartFakeEc2Options, startFakeEc2 } from './ec2-endpoint.js';

const started: FakeEc2[] = [];
const clients: EC2Client[] = [];
after(async () => {
  for (const client of clients) client.destroy();
  await Promise.all(started.map((fake) => fake.close()));
});

/** A fresh fake and a real SDK client for it; one attempt per call, so every fault is seen as sent. */
async function fakeWithClient(options: StartFakeEc2Options = {}, region?: string): Promise<{ fake: FakeEc2; ec2: EC2Client }> {
  const fake = await startFakeEc2(options);
  started.push(fake);
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const ec2 = new EC2Client({ endpoint: fake.endpoint, region: region ?? fake.region, credentials, maxAttempts: 1 });
  clients.push(ec2);
  return { fake, ec2 };
}

/** The parts of an SDK error a provider classifies by. */
async function failureOf(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof EC2ServiceException)) throw error;
    return { name: error.name, status: error.$metadata.httpStatusCode, message: error.message };
  }
  return assert.fail('expected the call to fail');
}

async function nameAndStatus(call: Promise<unknown>): Promise<[string, number | undefined]> {
  const { name, status } = await failureOf(call);
  return [name, status];
}

/** The newest Ubuntu 24.04 amd64 image among the fake's defaults. */
async function imageId(ec2: EC2Client): Promise<string> {
  const name = 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251001';
  const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: [name] }] }));
  return Images[0]?.ImageId ?? assert.fail(`no image ${name}`);
}

async function launch(ec2: EC2Client, input: Partial<RunInstancesCommandInput> = {}) {
  const ImageId = input.ImageId ?? (await imageId(ec2));
  return ec2.send(new RunInstancesCommand({ InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...input, ImageId }));
}

async function stateOf(ec2: EC2Client, id: string): Promise<string | undefined> {
  const { Reservations = [] } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return Reservations[0]?.Instances?.[0]?.State?.Name;
}

const base64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64');
const tagged = (ResourceType: 'instance' | 'volume' | 'security-group', env: string) => ({ ResourceType, Tags: [{ Key: 'envboot:env', Value: env }] });
/** Not a type AWS has; the SDK's types only admit real ones. */
const bogusType = 'x9.huge' as _InstanceType;

describe('fake EC2 endpoint, catalogue and network', () => {
  it('lists zones, leaves a local zone out by zone-type, and names zones by ZoneName', async () => {
    const zones = [{ name: 'us-east-1a' }, { name: 'us-east-1b', state: 'impaired' as const }, { name: 'us-east-1-bos-1a', type: 'local-zone' as const }];
    const { ec2 } = await fakeWithClient({ zones });
    const all = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(all.AvailabilityZones?.map((zone) => [zone.ZoneName, zone.ZoneId, zone.ZoneType, zone.State]), [
      ['us-east-1a', 'use1-az1', 'availability-zone', 'available'],
      ['us-east-1b', 'use1-az2', 'availability-zone', 'impaired'],
      ['us-east-1-bos-1a', 'use1-lz1-az1', 'local-zone', 'available'],
    ]);
    const Filters = [{ Name: 'zone-type', Values: ['availability-zone'] }, { Name: 'state', Values: ['available'] }];
    const filtered = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters }));
    assert.deepEqual(filtered.AvailabilityZones?.map((zone) => zone.ZoneName), ['us-east-1a']);
    const named = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1b'] }));
    assert.equal(named.AvailabilityZones?.[0]?.RegionName, 'us-east-1');
  });

  it('offers types per zone, filtered by type and location, page by page', async () => {
    const { ec2 } = await fakeWithClient({ offerings: { 'us-east-1c': ['t3.micro'] } });
    const input = { LocationType: 'availability-zone' as const, Filters: [{ Name: 'instance-type', Values: ['t3.micro', 'm7g.large', 'c5.large'] }] };
    const first = await ec2.send(new DescribeInstanceTypeOfferingsCommand({ ...input, MaxResults: 5 }));
    assert.equal(first.InstanceTypeOfferings?.length, 5);
    const rest = await ec2.send(new DescribeInstanceTypeOfferingsCommand({ ...input, MaxResults: 5, NextToken: first.NextToken }));
    assert.deepEqual([rest.InstanceTypeOfferings?.length, rest.NextToken], [2, undefined]);
    const pairs = [...(first.InstanceTypeOfferings ?? []), ...(rest.InstanceTypeOfferings ?? [])].map((o) => `${o.Location} ${o.InstanceType}`);
    assert.deepEqual(pairs, [
      ...['us-east-1a t3.micro', 'us-east-1a m7g.large', 'us-east-1a c5.large'],
      ...['us-east-1b t3.micro', 'us-east-1b m7g.large', 'us-east-1b c5.large', 'us-east-1c t3.micro'],
    ]);
    const inC = await ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'location', Values: ['us-east-1c'] }] }));
    assert.deepEqual(inC.InstanceTypeOfferings?.map((o) => o.InstanceType), ['t3.micro']);
  });

  it('describes instance types with vCPUs, memory and architecture; refuses unknown names', async () => {
    const { ec2 } = await fakeWithClient();
    const named = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'm5.xlarge', 'c7g.large'] }));
    const summary = named.InstanceTypes?.map((t) => [t.InstanceType, t.VCpuInfo?.DefaultVCpus, t.MemoryInfo?.SizeInMiB, t.ProcessorInfo?.SupportedArchitectures]);
    assert.deepEqual(summary, [['t3.micro', 2, 1024, ['x86_64']], ['m5.xlarge', 4, 16384, ['x86_64']], ['c7g.large', 2, 4096, ['arm64']]]);
    const arm = await ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'processor-info.supported-architecture', Values: ['arm64'] }] }));
    assert.deepEqual(arm.InstanceTypes?.map((t) => t.InstanceType), ['t4g.micro', 't4g.small', 't4g.medium', 'm7g.large', 'c7g.large']);
    const page = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 5 }));
    assert.ok(page.InstanceTypes?.length === 5 && page.NextToken !== undefined);
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', bogusType] }))), ['InvalidInstanceType', 400]);
  });

  it('finds Canonical images by owner, wildcard name and architecture', async () => {
    const { ec2 } = await fakeWithClient();
    const name = { Name: 'name', Values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-*-server-*'] };
    const Filters = [name, { Name: 'architecture', Values: ['arm64'] }, { Name: 'state', Values: ['available'] }];
    const { Images: images = [] } = await ec2.send(new DescribeImagesCommand({ Owners: ['099720109477'], Filters }));
    assert.deepEqual(images.map((image) => image.CreationDate).sort(), ['2025-06-01T08:12:33.000Z', '2025-10-01T08:12:33.000Z']);
    assert.ok(images.every((image) => image.Architecture === 'arm64' && image.RootDeviceName === '/dev/sda1' && /^ami-[0-9a-f]{17}$/.test(image.ImageId ?? '')));
    assert.deepEqual((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images, []);
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123'] }))), ['InvalidAMIID.NotFound', 400]);
  });

  it('has a default VPC with one default subnet per zone; unknown ids are NotFound', async () => {
    const { ec2 } = await fakeWithClient();
    const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    assert.equal(Vpcs.length, 1);
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpcs[0]?.VpcId ?? ''] }] }));
    assert.deepEqual(Subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.MapPublicIpOnLaunch, s.AvailableIpAddressCount]), [
      ['us-east-1a', '10.0.0.0/20', true, 4091],
      ['us-east-1b', '10.0.16.0/20', true, 4091],
      ['us-east-1c', '10.0.32.0/20', true, 4091],
    ]);
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0nope'] }))), ['InvalidVpcID.NotFound', 400]);
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0nope'] }))), ['InvalidSubnetID.NotFound', 400]);
  });
});

describe('fake EC2 endpoint, security groups', () => {
  it('creates, authorizes, finds by tag, and refuses duplicates of either', async () => {
    const { ec2 } = await fakeWithClient();
    const TagSpecifications = [tagged('security-group', 'prod')];
    const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'envboot-prod', Description: 'envboot', TagSpecifications }));
    assert.deepEqual([created.GroupId?.slice(0, 3), created.Tags], ['sg-', [{ Key: 'envboot:env', Value: 'prod' }]]);
    const again = ec2.send(new CreateSecurityGroupCommand({ GroupName: 'envboot-prod', Description: 'envboot' }));
    assert.deepEqual(await nameAndStatus(again), ['InvalidGroup.Duplicate', 400]);
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const peers = { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: created.GroupId }] };
    const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: created.GroupId, IpPermissions: [ssh, peers] }));
    assert.deepEqual([authorized.Return, authorized.SecurityGroupRules?.length], [true, 3]);
    const duplicate = ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: created.GroupId, IpPermissions: [{ ...ssh, Ipv6Ranges: [] }] }));
    assert.deepEqual(await failureOf(duplicate), {
      name: 'InvalidPermission.Duplicate',
      status: 400,
      message: 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
    });
    const byTag = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:envboot:env', Values: ['prod'] }] }));
    const group = byTag.SecurityGroups?.[0];
    assert.equal(byTag.SecurityGroups?.length, 1);
    assert.deepEqual(group?.IpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges?.map((r) => r.CidrIp), p.Ipv6Ranges?.length, p.UserIdGroupPairs?.map((g) => g.GroupId)]), [
      ['tcp', 22, ['0.0.0.0/0'], 1, []],
      ['-1', undefined, [], 0, [created.GroupId]],
    ]);
    assert.equal((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['other'] }] }))).SecurityGroups?.length, 0);
  });

  it('refuses to delete a group in use until its instance is terminated, and after that while a fault says so', async () => {
    const { fake, ec2 } = await fakeWithClient({ terminatingPolls: 0 });
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'in-use', Description: 'x' }));
    const id = (await launch(ec2, { SecurityGroupIds: [GroupId ?? ''] })).Instances?.[0]?.InstanceId ?? '';
    const remove = () => ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    assert.deepEqual(await nameAndStatus(remove()), ['DependencyViolation', 400]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(await nameAndStatus(remove()), ['DependencyViolation', 400], 'shutting-down still counts');
    assert.equal(await stateOf(ec2, id), 'terminated');
    fake.faults.dependencyViolations = 1;
    assert.deepEqual(await nameAndStatus(remove()), ['DependencyViolation', 400]);
    assert.equal((await remove()).Return, true);
    assert.deepEqual(await nameAndStatus(remove()), ['InvalidGroup.NotFound', 400]);
  });
});

/** A group's inbound rules as DescribeSecurityGroups answers them, one line per source. */
async function ingressOf(ec2: EC2Client, GroupId: string): Promise<string[]> {
  const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }));
  return (SecurityGroups[0]?.IpPermissions ?? []).flatMap((p) => {
    const ports = `${p.IpProtocol ?? ''} ${p.FromPort ?? ''}-${p.ToPort ?? ''}`;
    const sources = [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6), ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId)];
    return sources.map((source) => `${ports} ${source ?? ''}`);
  });
}

async function groupWithRules(ec2: EC2Client, IpPermissions: IpPermission[], GroupName = 'web'): Promise<string> {
  const { GroupId = '' } = await ec2.send(new CreateSecurityGroupCommand({ GroupName, Description: 'envboot' }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions }));
  return GroupId;
}

const sshFromAnywhere = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }], Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'ssh v6' }] };
const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

describe('fake EC2 endpoint, revoking ingress', () => {
  it('revokes IPv4, IPv6 and group rules named without their descriptions, and answers each revoked rule', async () => {
    const { ec2 } = await fakeWithClient();
    const { GroupId = '' } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'envboot' }));
    const peers = { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId, Description: 'peers' }] };
    const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [sshFromAnywhere, https, peers] }));
    const ruleId = (cidrOrGroup: string) =>
      authorized.SecurityGroupRules?.find((r) => [r.CidrIpv4, r.CidrIpv6, r.ReferencedGroupInfo?.GroupId].includes(cidrOrGroup))?.SecurityGroupRuleId;
    const bare = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [bare, { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId }] }] }));
    assert.deepEqual([revoked.Return, revoked.UnknownIpPermissions], [true, undefined]);
    assert.deepEqual(
      revoked.RevokedSecurityGroupRules?.map((r) => [r.SecurityGroupRuleId, r.GroupId, r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4, r.CidrIpv6, r.ReferencedGroupId, r.Description]),
      [
        [ruleId('0.0.0.0/0'), GroupId, false, 'tcp', 22, 22, '0.0.0.0/0', undefined, undefined, 'ssh'],
        [ruleId('::/0'), GroupId, false, 'tcp', 22, 22, undefined, '::/0', undefined, 'ssh v6'],
        [ruleId(GroupId), GroupId, false, '-1', undefined, undefined, undefined, undefined, GroupId, 'peers'],
      ],
    );
    assert.deepEqual(await ingressOf(ec2, GroupId), ['tcp 443-443 0.0.0.0/0']);
    const legacy = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }));
    assert.equal(legacy.RevokedSecurityGroupRules?.[0]?.CidrIpv4, '0.0.0.0/0');
    assert.deepEqual(await ingressOf(ec2, GroupId), []);
  });

  it('in the default VPC, answers the rules the group lacks as UnknownIpPermissions and revokes the rest', async () => {
    const { ec2 } = await fakeWithClient();
    const GroupId = await groupWithRules(ec2, [sshFromAnywhere, https]);
    const otherPorts = { IpProtocol: 'tcp', FromPort: 22, ToPort: 23, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }] };
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [ssh, otherPorts] }));
    assert.equal(revoked.Return, true);
    assert.deepEqual(revoked.RevokedSecurityGroupRules?.map((r) => r.CidrIpv4), ['0.0.0.0/0']);
    const unknown = (FromPort: number, ToPort: number, CidrIp: string) => ({
      IpProtocol: 'tcp', FromPort, ToPort, UserIdGroupPairs: [], IpRanges: [{ CidrIp }], Ipv6Ranges: [], PrefixListIds: [] });
    assert.deepEqual(revoked.UnknownIpPermissions, [unknown(22, 22, '10.0.0.0/8'), unknown(22, 23, '0.0.0.0/0')]);
    assert.deepEqual(await ingressOf(ec2, GroupId), ['tcp 22-22 ::/0', 'tcp 443-443 0.0.0.0/0']);
  });

  it('in another VPC, fails with InvalidPermission.NotFound when any rule is missing, and revokes none of them', async () => {
    const { fake, ec2 } = await fakeWithClient();
    const GroupId = fake.addSecurityGroup({ name: 'web', vpcId: 'vpc-0aaaaaaaaaaaaaaaa' }).id;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [sshFromAnywhere, https] }));
    const missing = { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    const failure = await failureOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [https, missing] })));
    assert.deepEqual(failure, { name: 'InvalidPermission.NotFound', status: 400, message: 'The specified rule does not exist in this security group.' });
    const all = ['tcp 22-22 0.0.0.0/0', 'tcp 22-22 ::/0', 'tcp 443-443 0.0.0.0/0'];
    assert.deepEqual(await ingressOf(ec2, GroupId), all);
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [https] }));
    assert.deepEqual([revoked.Return, revoked.RevokedSecurityGroupRules?.length], [true, 1]);
    assert.deepEqual(await ingressOf(ec2, GroupId), all.slice(0, 2));
  });

  it('revokes by security group rule id, and refuses an id the group does not have', async () => {
    const { fake, ec2 } = await fakeWithClient();
    const { GroupId = '' } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'envboot' }));
    const authorized = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [sshFromAnywhere] }));
    const [v4 = '', v6 = ''] = authorized.SecurityGroupRules?.map((r) => r.SecurityGroupRuleId ?? '') ?? [];
    const stranger = 'sgr-0aaaaaaaaaaaaaaaa';
    const refused = await failureOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, SecurityGroupRuleIds: [v4, stranger] })));
    assert.deepEqual(refused, { name: 'InvalidSecurityGroupRuleId.NotFound', status: 400, message: `The security group rule ID '${stranger}' does not exist` });
    assert.equal((await ingressOf(ec2, GroupId)).length, 2);
    const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, SecurityGroupRuleIds: [v6] }));
    assert.deepEqual(revoked.RevokedSecurityGroupRules?.map((r) => [r.SecurityGroupRuleId, r.CidrIpv6]), [[v6, '::/0']]);
    assert.deepEqual(await ingressOf(ec2, GroupId), ['tcp 22-22 0.0.0.0/0']);
    const sent = fake.requests.filter((request) => request.action === 'RevokeSecurityGroupIngress').at(-1);
    assert.equal(sent?.params['SecurityGroupRuleId.1'], v6, 'the SDK sends SecurityGroupRuleIds as SecurityGroupRuleId.N');
  });

  it('refuses more than 60 IPv4 or 60 IPv6 rules in a group, a group reference counting in both, adding nothing from the refused call', async () => {
    const { ec2 } = await fakeWithClient();
    const cidrs = (count: number, cidr: (n: number) => string) => Array.from({ length: count }, (_, n) => cidr(n));
    const v4 = cidrs(59, (n) => `10.0.${n}.0/24`).map((CidrIp) => ({ CidrIp }));
    const v6 = cidrs(59, (n) => `2001:db8:${n.toString(16)}::/48`).map((CidrIpv6) => ({ CidrIpv6 }));
    const GroupId = await groupWithRules(ec2, [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: v4 }]);
    const authorize = (permission: IpPermission) => ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [permission] }));
    const full = { name: 'RulesPerSecurityGroupLimitExceeded', status: 400, message: 'The maximum number of rules per security group has been reached.' };
    await authorize({ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId }] }); // 60 IPv4 rules, 1 IPv6
    const oneMore = { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '192.0.2.0/24' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    assert.deepEqual(await failureOf(authorize(oneMore)), full);
    assert.equal((await ingressOf(ec2, GroupId)).length, 60, 'the IPv6 rule of the refused call was not added');
    await authorize({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: v6 }); // 60 IPv6 rules with the group reference
    assert.deepEqual(await failureOf(authorize({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Ipv6Ranges: [{ CidrIpv6: '::/0' }] })), full);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: v4.slice(0, 1) }] }));
    await authorize({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '192.0.2.0/24' }] });
    assert.equal((await ingressOf(ec2, GroupId)).length, 119);
  });
});

describe('fake EC2 endpoint, instances', () => {
  it('launches MaxCount instances with placement, tags, volumes and metadata options, and hands the hook decoded user data', async () => {
    const launched: FakeEc2LaunchedInstance[] = [];
    const { fake, ec2 } = await fakeWithClient({ onLaunch: (instance) => void launched.push(instance) });
    const userData = gzipSync('#cloud-config\npassword: hunter2\n');
    const result = await launch(ec2, {
      MinCount: 1,
      MaxCount: 2,
      Placement: { AvailabilityZone: 'us-east-1b' },
      UserData: base64(userData),
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, VolumeType: 'gp3', DeleteOnTermination: true } }],
      TagSpecifications: [tagged('instance', 'prod'), tagged('volume', 'prod-disk')],
      InstanceInitiatedShutdownBehavior: 'terminate',
    });
    const instances = result.Instances ?? [];
    assert.deepEqual(instances.map((i) => [i.State?.Name, i.State?.Code, i.Placement?.AvailabilityZone, i.InstanceType, i.PrivateIpAddress, i.PublicIpAddress]), [
      ['pending', 0, 'us-east-1b', 't3.micro', '10.0.16.4', '203.0.113.4'],
      ['pending', 0, 'us-east-1b', 't3.micro', '10.0.16.5', '203.0.113.5'],
    ]);
    assert.deepEqual([result.ReservationId?.slice(0, 2), instances[0]?.Tags, instances[0]?.MetadataOptions?.HttpTokens], ['r-', tagged('instance', 'prod').Tags, 'required']);
    assert.ok(instances[0]?.LaunchTime instanceof Date);
    const volumes = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:envboot:env', Values: ['prod-disk'] }] }));
    assert.deepEqual(volumes.Volumes?.map((v) => [v.Size, v.State, v.Attachments?.[0]?.InstanceId]), instances.map((i) => [30, 'in-use', i.InstanceId]));
    await fake.hooksSettled();
    assert.deepEqual(launched.map((machine) => [machine.id, machine.zone, machine.privateIp]), instances.map((i) => [i.InstanceId, 'us-east-1b', i.PrivateIpAddress]));
    assert.deepEqual(launched[0]?.userData, userData);
    const logged = fake.requests.find((request) => request.action === 'RunInstances');
    assert.equal(logged?.params.UserData, `<${userData.length} bytes>`);
    assert.equal(logged.attempt, 1);
    assert.ok(!JSON.stringify(fake.requests).includes(base64(userData)));
  });

  it('returns the same reservation for a repeated ClientToken, and refuses the token with other arguments', async () => {
    const { fake, ec2 } = await fakeWithClient();
    const first = await launch(ec2, { ClientToken: 'once' });
    const second = await launch(ec2, { ClientToken: 'once' });
    assert.deepEqual([second.ReservationId, second.Instances?.map((i) => i.InstanceId)], [first.ReservationId, first.Instances?.map((i) => i.InstanceId)]);
    assert.equal(fake.instances().length, 1);
    assert.deepEqual(await nameAndStatus(launch(ec2, { ClientToken: 'once', InstanceType: 't3.small' })), ['IdempotentParameterMismatch', 400]);
  });

  it('validates image, type, subnet, zone offering and user data size as EC2 does', async () => {
    const { fake, ec2 } = await fakeWithClient({ offerings: { 'us-east-1c': ['t3.micro'] } });
    const [subnetA] = fake.subnets();
    const refusal = async (input: Partial<RunInstancesCommandInput>) => failureOf(launch(ec2, input));
    assert.equal((await refusal({ ImageId: 'ami-0nope' })).name, 'InvalidAMIID.NotFound');
    assert.equal((await refusal({ InstanceType: bogusType })).name, 'InvalidParameterValue');
    assert.match((await refusal({ ImageId: await imageId(ec2), InstanceType: 't4g.small' })).message, /architecture 'arm64'.*does not match/);
    assert.equal((await refusal({ SubnetId: 'subnet-0nope' })).name, 'InvalidSubnetID.NotFound');
    const mismatch = await refusal({ SubnetId: subnetA?.id ?? '', Placement: { AvailabilityZone: 'us-east-1b' } });
    assert.equal(mismatch.name, 'InvalidParameterCombination');
    const unsupported = await refusal({ InstanceType: 'm5.large', Placement: { AvailabilityZone: 'us-east-1c' } });
    assert.deepEqual([unsupported.name, unsupported.status], ['Unsupported', 400]);
    assert.match(unsupported.message, /^Your requested instance type \(m5\.large\) is not supported in your requested Availability Zone \(us-east-1c\)\..*us-east-1a, us-east-1b\.$/);
    const tooBig = { name: 'InvalidParameterValue', status: 400, message: 'User data is limited to 16384 bytes' };
    assert.deepEqual(await refusal({ UserData: base64(Buffer.alloc(16385, 'x')) }), tooBig);
    const atLimit = await launch(ec2, { UserData: base64(Buffer.alloc(16384, 'x')) });
    assert.equal(fake.instance(atLimit.Instances?.[0]?.InstanceId ?? '').userData.length, 16384);
    const noPublic = fake.addSubnet({ zone: 'us-east-1c', mapPublicIpOnLaunch: false });
    const privateOnly = await launch(ec2, { SubnetId: noPublic.id });
    assert.deepEqual([privateOnly.Instances?.[0]?.PrivateIpAddress, privateOnly.Instances?.[0]?.PublicIpAddress], ['10.0.48.4', undefined]);
  });

  it('moves instances on as DescribeInstances looks: pending, running, shutting-down, terminated, still listed', async () => {
    const failingHook = (id: string) => Promise.reject(new Error(`no SSH server to stop for ${id}`));
    const { fake, ec2 } = await fakeWithClient({ pendingPolls: 2, onTerminate: failingHook });
    const id = (await launch(ec2)).Instances?.[0]?.InstanceId ?? '';
    assert.deepEqual([await stateOf(ec2, id), await stateOf(ec2, id), await stateOf(ec2, id)], ['pending', 'pending', 'running']);
    const terminated = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    assert.deepEqual(terminated.TerminatingInstances?.map((c) => [c.PreviousState?.Name, c.CurrentState?.Name, c.CurrentState?.Code]), [['running', 'shutting-down', 32]]);
    assert.deepEqual([await stateOf(ec2, id), await stateOf(ec2, id)], ['shutting-down', 'terminated']);
    const { Reservations = [] } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    assert.equal(Reservations[0]?.Instances?.[0]?.StateReason?.Code, 'Client.UserInitiatedShutdown');
    assert.deepEqual(fake.volumes(), [], 'the root volume is deleted on termination');
    await fake.hooksSettled();
    assert.deepEqual(fake.hookErrors.map((failure) => [failure.hook, failure.instanceId]), [['onTerminate', id]], 'a failing hook is recorded, not thrown');
    const unknown = await failureOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id, 'i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb'] })));
    assert.deepEqual(unknown, { name: 'InvalidInstanceID.NotFound', status: 400, message: "The instance IDs 'i-0aaaaaaaaaaaaaaaa, i-0bbbbbbbbbbbbbbbb' do not exist" });
    assert.equal((await failureOf(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0aaaaaaaaaaaaaaaa'] })))).name, 'InvalidInstanceID.NotFound');
    const tooMany = Array.from({ length: 1001 }, (_, n) => `i-0${n.toString(16).padStart(16, '0')}`);
    assert.deepEqual(await nameAndStatus(ec2.send(new TerminateInstancesCommand({ InstanceIds: tooMany }))), ['InvalidRequest', 400]);
  });

  it('pages DescribeInstances by MaxResults and filters by tag and state', async () => {
    const { fake, ec2 } = await fakeWithClient();
    for (let n = 0; n < 7; n++) fake.addInstance({ tags: { 'envboot:env': n < 6 ? 'old' : 'new' } });
    const gone = fake.addInstance({ tags: { 'envboot:env': 'old' }, state: 'terminated' });
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'tag:envboot:env', Values: ['old'] }] })) {
      const ids = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? '');
      pages.push(ids.length);
      seen.push(...ids);
    }
    assert.deepEqual(pages, [5, 2]);
    assert.equal(new Set(seen).size, 7);
    const live = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['envboot:env'] }, { Name: 'instance-state-name', Values: ['running'] }] }));
    assert.equal(live.Reservations?.flatMap((r) => r.Instances ?? []).length, 7);
    assert.ok(!JSON.stringify(live).includes(gone.id));
    const combined = ec2.send(new DescribeInstancesCommand({ InstanceIds: [gone.id], MaxResults: 5 }));
    assert.deepEqual(await nameAndStatus(combined), ['InvalidParameterCombination', 400]);
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeInstancesCommand({ MaxResults: 4 }))), ['InvalidParameterValue', 400]);
  });

  it('keeps attached volumes from deletion, and leaves a kept data volume available after termination', async () => {
    const { fake, ec2 } = await fakeWithClient({ terminatingPolls: 0 });
    const instance = fake.addInstance({ tags: { 'envboot:env': 'x' } });
    const data = fake.addVolume({ attachedTo: instance.id, tags: { 'envboot:env': 'x' } });
    assert.deepEqual(await nameAndStatus(ec2.send(new DeleteVolumeCommand({ VolumeId: data.id }))), ['VolumeInUse', 400]);
    fake.setInstanceState(instance.id, 'terminated');
    const { Volumes = [] } = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag-key', Values: ['envboot:env'] }] }));
    assert.deepEqual(Volumes.map((v) => [v.VolumeId, v.State]), [[data.id, 'available']]);
    await ec2.send(new DeleteVolumeCommand({ VolumeId: data.id }));
    assert.deepEqual(await nameAndStatus(ec2.send(new DeleteVolumeCommand({ VolumeId: data.id }))), ['InvalidVolume.NotFound', 400]);
  });
});

describe('fake EC2 endpoint, faults', () => {
  it('answers each injected fault with the code and HTTP status AWS uses', async () => {
    const { fake, ec2 } = await fakeWithClient();
    const image = await imageId(ec2);
    fake.faults.capacity = ['us-east-1a'];
    const capacity = await failureOf(launch(ec2, { ImageId: image, Placement: { AvailabilityZone: 'us-east-1a' } }));
    assert.deepEqual([capacity.name, capacity.status], ['InsufficientInstanceCapacity', 500]);
    assert.match(capacity.message, /^We currently do not have sufficient t3\.micro capacity in the Availability Zone you requested \(us-east-1a\)\./);
    fake.faults.capacity = [];
    fake.faults.quota = 'VcpuLimitExceeded';
    assert.deepEqual(await nameAndStatus(launch(ec2, { ImageId: image })), ['VcpuLimitExceeded', 400]);
    fake.faults.quota = undefined;
    fake.faults.invalidParameter = 'forced';
    assert.deepEqual(await failureOf(launch(ec2, { ImageId: image })), { name: 'InvalidParameterValue', status: 400, message: 'forced' });
    fake.faults.invalidParameter = undefined;
    fake.faults.throttleNext = 1;
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeVpcsCommand({}))), ['RequestLimitExceeded', 503]);
    fake.faults.unauthorized = new Set(['TerminateInstances']);
    assert.deepEqual(await nameAndStatus(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0x'] }))), ['UnauthorizedOperation', 403]);
    fake.faults.expiredToken = true;
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeVpcsCommand({}))), ['ExpiredToken', 400]);
    fake.faults.authFailure = true;
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeVpcsCommand({}))), ['AuthFailure', 401]);
    assert.deepEqual(fake.requests.slice(-3).map((r) => `${r.action} ${r.errorCode ?? ''}`), [
      'TerminateInstances UnauthorizedOperation', 'DescribeVpcs ExpiredToken', 'DescribeVpcs AuthFailure']);
    assert.equal(fake.instances().length, 0);
  });

  it('throttles the same requests for the same seed', async () => {
    const outcomes = async (seed: number): Promise<number[]> => {
      const { fake, ec2 } = await fakeWithClient({ seed });
      fake.faults.throttleRate = 0.5;
      for (let n = 0; n < 20; n++) await ec2.send(new DescribeVpcsCommand({})).catch(() => undefined);
      return fake.requests.map((r) => r.status);
    };
    const first = await outcomes(7);
    assert.deepEqual(await outcomes(7), first);
    assert.ok(first.includes(503) && first.includes(200));
  });

  it('refuses unknown actions and the wrong signing region, and counts and resets its log', async () => {
    const { fake, ec2 } = await fakeWithClient();
    assert.deepEqual(await nameAndStatus(ec2.send(new DescribeTagsCommand({}))), ['InvalidAction', 400]);
    const { ec2: elsewhere } = await fakeWithClient({}, 'eu-west-1');
    assert.deepEqual(await nameAndStatus(elsewhere.send(new DescribeVpcsCommand({}))), ['AuthFailure', 401]);
    assert.equal(fake.count('DescribeTags'), 1);
    fake.resetLog();
    assert.equal(fake.count(), 0);
  });
});
