import type { IpPermission, SecurityGroup, TagSpecification } from '@aws-sdk/client-ec2';
import { TagKey, environmentTags, type EnvironmentIdentity } from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';
import type { Ec2Api } from './ec2-api.js';

export interface EnsureSecurityGroupParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  /** Absent: the account's default VPC. */
  readonly vpcId?: string | undefined;
  readonly sshCidrs: readonly string[];
  /** Tags beyond the environment's own. */
  readonly extraTags?: Readonly<Record<string, string>>;
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
export async function ensureSecurityGroup(params: EnsureSecurityGroupParams): Promise<{ groupId: string; created: boolean }> {
  const context = { what: 'creating the security group', signal: params.signal };
  const [found] = await findSecurityGroups(params);
  if (found?.GroupId !== undefined) {
    // A crash between creating the group and opening it leaves it closed: open it now.
    if (!opensSsh(found)) await authorize(params, found.GroupId, context);
    return { groupId: found.GroupId, created: false };
  }
  let groupId: string;
  try {
    const answer = await params.api.createSecurityGroup(
      {
        GroupName: securityGroupName(params.environment),
        Description: `envboot environment ${params.environment.name} (${params.environment.uuid})`,
        ...(params.vpcId === undefined ? {} : { VpcId: params.vpcId }),
        TagSpecifications: [groupTags(params.environment, params.extraTags ?? {})],
      },
      context,
    );
    groupId = answer.GroupId ?? '';
  } catch (error) {
    // Lost a race with a concurrent prepare: the winner's group is the one to use.
    if (awsCodeOf(error) !== 'InvalidGroup.Duplicate') throw error;
    const [winner] = await findSecurityGroups(params);
    if (winner?.GroupId === undefined) throw error;
    return { groupId: winner.GroupId, created: false };
  }
  await authorize(params, groupId, context);
  return { groupId, created: true };
}

async function authorize(params: EnsureSecurityGroupParams, groupId: string, context: { signal?: AbortSignal | undefined }): Promise<void> {
  try {
    await params.api.authorizeSecurityGroupIngress({ GroupId: groupId, IpPermissions: ingress(groupId, params.sshCidrs) }, { ...context, what: 'opening SSH in the security group' });
  } catch (error) {
    // A concurrent prepare opened it first.
    if (awsCodeOf(error) !== 'InvalidPermission.Duplicate') throw error;
  }
}

function opensSsh(group: SecurityGroup): boolean {
  return (group.IpPermissions ?? []).some((rule) => rule.IpProtocol === 'tcp' && rule.FromPort === 22);
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

function ingress(groupId: string, sshCidrs: readonly string[]): IpPermission[] {
  const v4 = sshCidrs.filter((cidr) => !cidr.includes(':'));
  const v6 = sshCidrs.filter((cidr) => cidr.includes(':'));
  return [
    {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      ...(v4.length === 0 ? {} : { IpRanges: v4.map((cidr) => ({ CidrIp: cidr, Description: 'envboot SSH' })) }),
      ...(v6.length === 0 ? {} : { Ipv6Ranges: v6.map((cidr) => ({ CidrIpv6: cidr, Description: 'envboot SSH' })) }),
    },
    { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, Description: 'envboot machines' }] },
  ];
}

function groupTags(environment: EnvironmentIdentity, extra: Readonly<Record<string, string>>): TagSpecification {
  const tags = { ...environmentTags(environment), ...extra, [TagKey.Name]: securityGroupName(environment) };
  return { ResourceType: 'security-group', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
