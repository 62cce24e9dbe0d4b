import type { IpPermission, SecurityGroup, TagSpecification } from '@aws-sdk/client-ec2';
import { TagKey, environmentTags, parseSourceCidr, type EnvironmentIdentity } from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';
import type { Ec2Api } from './ec2-api.js';
import { inOneCallOrEach } from './one-call-or-each.js';

export interface EnsureSecurityGroupParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  /** Absent: the account's default VPC. */
  readonly vpcId?: string | undefined;
  readonly sshCidrs: readonly string[];
  /**
   * Tags beyond the environment's own for a group about to be made, asked only then (it
   * may settle what a new environment's resources carry, such as its expiry).
   */
  readonly newGroupTags?: (() => Promise<Readonly<Record<string, string>>>) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The environment's security group name: readable, and unique per environment within a VPC. */
export function securityGroupName(environment: EnvironmentIdentity): string {
  return `envboot-${environment.name}-${environment.uuid.slice(0, 8)}`;
}

/**
 * Gets or creates the environment's security group: SSH from the configured sources, all
 * traffic between the environment's machines. Found by its ownership tag; created with
 * its tags in the same call (never a separate CreateTags that could leave an untagged
 * group behind). Two bootstraps racing both end up with the one group.
 */
export async function ensureSecurityGroup(params: EnsureSecurityGroupParams): Promise<EnsuredSecurityGroup> {
  const context = { what: 'creating the security group', signal: params.signal };
  const [found] = await findSecurityGroups(params);
  if (found?.GroupId !== undefined) {
    // A crash between creating the group and opening it leaves it closed, and an ssh-cidr
    // changed since leaves the new sources out: open what is missing. Sources no longer in
    // ssh-cidr stay open, and `envboot status` lists them as open ports to close.
    const missing = missingSshCidrs(found, params.sshCidrs);
    if (missing.length > 0) await authorize({ ...params, sshCidrs: missing }, found.GroupId, context, opensPeers(found));
    return { groupId: found.GroupId, created: false, tags: tagsOf(found) };
  }
  let groupId: string;
  const spec = groupTags(params.environment, (await params.newGroupTags?.()) ?? {});
  try {
    const answer = await params.api.createSecurityGroup(
      {
        GroupName: securityGroupName(params.environment),
        Description: `envboot environment ${params.environment.name} (${params.environment.uuid})`,
        ...(params.vpcId === undefined ? {} : { VpcId: params.vpcId }),
        TagSpecifications: [spec],
      },
      context,
    );
    groupId = answer.GroupId ?? '';
  } catch (error) {
    // Lost a race with a concurrent prepare: the winner's group is the one to use.
    if (awsCodeOf(error) !== 'InvalidGroup.Duplicate') throw error;
    const [winner] = await findSecurityGroups(params);
    if (winner?.GroupId === undefined) throw error;
    return { groupId: winner.GroupId, created: false, tags: tagsOf(winner) };
  }
  await authorize(params, groupId, context);
  return { groupId, created: true, tags: Object.fromEntries((spec.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])) };
}

export interface EnsuredSecurityGroup {
  readonly groupId: string;
  readonly created: boolean;
  /** The group's tags: as found, or as made. */
  readonly tags: Readonly<Record<string, string>>;
}

function tagsOf(group: SecurityGroup): Record<string, string> {
  return Object.fromEntries((group.Tags ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])));
}

/** What `ensureSecurityGroup` would do now: the group it would reuse (and the SSH sources it would still open), or that it would create one. */
export interface SecurityGroupPlan {
  readonly name: string;
  /** The group found by its ownership tag; absent: one would be created. */
  readonly groupId?: string;
  /** The configured SSH sources the found group does not open yet (all of them for a new group). */
  readonly missingSshCidrs: readonly string[];
  /** Whether traffic between the machines would be opened (always for a new group). */
  readonly opensPeers: boolean;
}

/** The lookup `ensureSecurityGroup` starts with, and nothing after it: one DescribeSecurityGroups. */
export async function planSecurityGroup(params: EnsureSecurityGroupParams): Promise<SecurityGroupPlan> {
  const name = securityGroupName(params.environment);
  const [found] = await findSecurityGroups(params);
  if (found?.GroupId === undefined) return { name, missingSshCidrs: params.sshCidrs, opensPeers: true };
  const missing = missingSshCidrs(found, params.sshCidrs);
  // As ensureSecurityGroup: the peers are opened with the missing SSH sources, in the same call, or not at all.
  return { name, groupId: found.GroupId, missingSshCidrs: missing, opensPeers: missing.length > 0 && !opensPeers(found) };
}

/**
 * Opens SSH from `params.sshCidrs` (and, unless `peersOpen`, traffic between the group's
 * machines) in one call; when a concurrent prepare opened some of it first, EC2 refuses
 * the call whole, and each is then opened on its own.
 */
async function authorize(params: EnsureSecurityGroupParams, groupId: string, context: { signal?: AbortSignal | undefined }, peersOpen = false): Promise<void> {
  const permissions = [
    ...params.sshCidrs.map((cidr) => sshPermission([cidr])),
    ...(peersOpen ? [] : [peersPermission(groupId)]),
  ];
  await inOneCallOrEach({
    items: permissions,
    call: (some) => params.api.authorizeSecurityGroupIngress({ GroupId: groupId, IpPermissions: [...some] }, { ...context, what: 'opening SSH in the security group' }),
    alreadyDone: 'InvalidPermission.Duplicate',
  });
}

/** The configured SSH sources the group does not open yet, compared canonical (EC2 may store a range in another spelling). */
function missingSshCidrs(group: SecurityGroup, sshCidrs: readonly string[]): string[] {
  const ssh = (group.IpPermissions ?? []).filter((rule) => rule.IpProtocol === 'tcp' && rule.FromPort === 22 && rule.ToPort === 22);
  const given = ssh.flatMap((rule) => [...(rule.IpRanges ?? []).map((r) => r.CidrIp), ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)]);
  const open = new Set(given.flatMap((cidr) => (cidr === undefined ? [] : [canonical(cidr)])));
  return sshCidrs.filter((cidr) => !open.has(canonical(cidr)));
}

function canonical(cidr: string): string {
  const parsed = parseSourceCidr(cidr);
  return parsed.ok ? parsed.cidr : cidr;
}

/** Whether the group already lets the environment's machines reach each other. */
function opensPeers(group: SecurityGroup): boolean {
  return (group.IpPermissions ?? []).some((rule) => rule.IpProtocol === '-1' && (rule.UserIdGroupPairs ?? []).some((pair) => pair.GroupId === group.GroupId));
}

/** The environment's security groups by tag (normally one). */
export async function findSecurityGroups(params: Omit<EnsureSecurityGroupParams, 'sshCidrs'>): Promise<SecurityGroup[]> {
  const answer = await params.api.describeSecurityGroups(
    {
      Filters: [
        { Name: `tag:${TagKey.EnvironmentUuid}`, Values: [params.environment.uuid] },
        ...(params.vpcId === undefined ? [] : [{ Name: 'vpc-id', Values: [params.vpcId] }]),
      ],
    },
    { what: 'finding the security group', signal: params.signal },
  );
  return answer.SecurityGroups ?? [];
}

function sshPermission(sshCidrs: readonly string[]): IpPermission {
  const v4 = sshCidrs.filter((cidr) => !cidr.includes(':'));
  const v6 = sshCidrs.filter((cidr) => cidr.includes(':'));
  return {
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    ...(v4.length === 0 ? {} : { IpRanges: v4.map((cidr) => ({ CidrIp: cidr, Description: 'envboot SSH' })) }),
    ...(v6.length === 0 ? {} : { Ipv6Ranges: v6.map((cidr) => ({ CidrIpv6: cidr, Description: 'envboot SSH' })) }),
  };
}

function peersPermission(groupId: string): IpPermission {
  return { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, Description: 'envboot machines' }] };
}

function groupTags(environment: EnvironmentIdentity, extra: Readonly<Record<string, string>>): TagSpecification {
  // The operator's tags first: envboot's own always win (a clash is refused before anything is created).
  const tags = { ...extra, ...environmentTags(environment), [TagKey.Name]: securityGroupName(environment) };
  return { ResourceType: 'security-group', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
