import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import {
  ConfigError,
  NotFoundError,
  allTraffic,
  formatIngressRule,
  groupPairs,
  pairKey,
  pairsOf,
  parseSourceCidr,
  throwIfCancelled,
  type EnvironmentIdentity,
  type IngressPair,
  type IngressRule,
} from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';
import type { Ec2Api } from './ec2-api.js';
import type { ConsistencyRetry } from './ec2-timing.js';
import { untilConsistent } from './until-consistent.js';
import { inOneCallOrEach } from './one-call-or-each.js';
import { findSecurityGroups } from './security-group.js';

/** The description envboot gives the sources it opens, so the AWS console says who opened them. */
const exposedDescription = 'envboot expose';
/** What keeps the SSH sources open, as `ingressRules` marks them. */
const sshReserved = 'envboot SSH (ssh-cidr)';

export interface Ec2FirewallParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  readonly vpcId?: string | undefined;
  /**
   * The group's id when this process prepared it: read by id, because EC2 is eventually
   * consistent and a group created a moment ago may not answer a tag query yet.
   */
  readonly groupId?: string | undefined;
  /** The sources envboot's own SSH is open to (`ssh-cidr`): listed as reserved, never closed. */
  readonly sshCidrs: readonly string[];
  readonly consistency: ConsistencyRetry;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Every CIDR source of the environment's security group: TCP, UDP and all-traffic rules,
 * envboot's SSH marked reserved. ICMP rules and rules naming other groups or prefix lists
 * are not ports and are not listed.
 */
export async function ec2IngressRules(params: Ec2FirewallParams): Promise<IngressRule[]> {
  throwIfCancelled(params.signal, 'listing the open ports');
  const group = await environmentGroup(params);
  return group === undefined ? [] : groupPairs(groupPairsOf(group, params.sshCidrs));
}

/** Authorizes what of `rules` the group lacks, in one call; a source another client opened meanwhile is success. */
export async function openEc2Ports(params: Ec2FirewallParams & { readonly rules: readonly IngressRule[] }): Promise<void> {
  throwIfCancelled(params.signal, 'opening ports');
  const group = await requireGroup(params);
  const held = new Set(groupPairsOf(group, params.sshCidrs).map(pairKey));
  const missing = params.rules.flatMap(pairsOf).filter((pair) => !held.has(pairKey(pair)));
  await inOneCallOrEach({
    items: missing,
    call: (pairs) =>
      params.api.authorizeSecurityGroupIngress(
        { GroupId: group.GroupId, IpPermissions: permissionsOf(pairs, exposedDescription) },
        { what: `opening ${describe(pairs)}`, signal: params.signal },
      ),
    alreadyDone: 'InvalidPermission.Duplicate',
  });
}

/** Revokes what of `rules` the group holds; refuses, closing nothing, a source envboot's SSH needs. */
export async function closeEc2Ports(params: Ec2FirewallParams & { readonly rules: readonly IngressRule[] }): Promise<void> {
  throwIfCancelled(params.signal, 'closing ports');
  const ssh = new Set(sshPairs(params.sshCidrs).map(pairKey));
  const needed = params.rules.flatMap(pairsOf).filter((pair) => ssh.has(pairKey(pair)));
  if (needed.length > 0) {
    throw new ConfigError(`${describe(needed)} is how envboot reaches the machines over SSH (ssh-cidr); nothing was closed: change ssh-cidr in the environment config instead`);
  }
  const group = await environmentGroup(params);
  if (group?.GroupId === undefined) return;
  const held = new Set(groupPairsOf(group, params.sshCidrs).map(pairKey));
  const present = params.rules.flatMap(pairsOf).filter((pair) => held.has(pairKey(pair)));
  await inOneCallOrEach({
    items: present,
    call: (pairs) =>
      params.api.revokeSecurityGroupIngress({ GroupId: group.GroupId, IpPermissions: permissionsOf(pairs) }, { what: `closing ${describe(pairs)}`, signal: params.signal }),
    alreadyDone: 'InvalidPermission.NotFound',
  });
}

async function environmentGroup(params: Ec2FirewallParams): Promise<SecurityGroup | undefined> {
  const { groupId } = params;
  if (groupId === undefined) {
    const [group] = await findSecurityGroups({ api: params.api, environment: params.environment, vpcId: params.vpcId, signal: params.signal });
    return group;
  }
  // A group created a moment ago may answer InvalidGroup.NotFound for a few seconds; one
  // that still does was deleted since, and the tag query says what there is now.
  const notFound = (error: unknown): boolean => awsCodeOf(error) === 'InvalidGroup.NotFound';
  try {
    const answer = await untilConsistent(params, 'reading the security group', () =>
      params.api.describeSecurityGroups({ GroupIds: [groupId] }, { what: 'reading the security group', signal: params.signal }),
    notFound);
    return answer.SecurityGroups?.[0];
  } catch (error) {
    if (!notFound(error)) throw error;
    return environmentGroup({ ...params, groupId: undefined });
  }
}

/** The group, found again for a while when the tag query misses it (a bootstrap a moment ago, in another process). */
async function requireGroup(params: Ec2FirewallParams): Promise<SecurityGroup & { GroupId: string }> {
  const group = await untilConsistent(params, 'finding the security group', async () => {
    const found = await environmentGroup(params);
    if (found?.GroupId === undefined) throw new MissingGroup();
    return { ...found, GroupId: found.GroupId };
  }, (error) => error instanceof MissingGroup).catch((error: unknown) => {
    if (!(error instanceof MissingGroup)) throw error;
    throw new NotFoundError(
      `environment "${params.environment.name}" has no security group on EC2 that envboot can find, so no port was opened: ` +
        'if it was bootstrapped a moment ago, run the command again; otherwise the group was deleted outside envboot, and the next ' +
        '`envboot add-machine` makes it again (destroy and bootstrap, if the environment has no machines left)',
    );
  });
  return group;
}

class MissingGroup extends Error {}

/** Every CIDR source of a TCP, UDP or all-traffic rule, canonical, envboot's SSH marked; sources EC2 stores oddly are skipped rather than guessed. */
function groupPairsOf(group: SecurityGroup, sshCidrs: readonly string[]): IngressPair[] {
  const ssh = new Set(sshPairs(sshCidrs).map(pairKey));
  return (group.IpPermissions ?? []).flatMap((permission) => {
    const range = rangeOf(permission);
    if (range === undefined) return [];
    const cidrs = [...(permission.IpRanges ?? []).map((r) => r.CidrIp), ...(permission.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)];
    return cidrs.flatMap((given) => {
      const parsed = given === undefined ? undefined : parseSourceCidr(given);
      if (parsed?.ok !== true) return [];
      const pair: IngressPair = { ...range, cidr: parsed.cidr };
      return [ssh.has(pairKey(pair)) ? { ...pair, reserved: sshReserved } : pair];
    });
  });
}

function rangeOf(permission: IpPermission): Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort'> | undefined {
  const protocol = permission.IpProtocol;
  if (protocol === '-1') return allTraffic;
  if ((protocol !== 'tcp' && protocol !== 'udp') || permission.FromPort === undefined || permission.ToPort === undefined) return undefined;
  return { protocol, fromPort: permission.FromPort, toPort: permission.ToPort };
}

function sshPairs(sshCidrs: readonly string[]): IngressPair[] {
  return sshCidrs.flatMap((given) => {
    const parsed = parseSourceCidr(given);
    return parsed.ok ? [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: parsed.cidr } as const] : [];
  });
}

/** EC2's shape: one permission per protocol and range, its IPv4 and IPv6 sources apart; all traffic is protocol -1 without ports. */
function permissionsOf(pairs: readonly IngressPair[], description?: string): IpPermission[] {
  const described = description === undefined ? {} : { Description: description };
  return groupPairs(pairs).map((rule) => {
    const v4 = rule.sourceCidrs.filter((cidr) => !cidr.includes(':'));
    const v6 = rule.sourceCidrs.filter((cidr) => cidr.includes(':'));
    return {
      ...(rule.protocol === 'all' ? { IpProtocol: '-1' } : { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort }),
      ...(v4.length === 0 ? {} : { IpRanges: v4.map((CidrIp) => ({ CidrIp, ...described })) }),
      ...(v6.length === 0 ? {} : { Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6, ...described })) }),
    };
  });
}

function describe(pairs: readonly IngressPair[]): string {
  return groupPairs(pairs).map(formatIngressRule).join('; ');
}
