import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import pRetry from 'p-retry';
import {
  CancelledError,
  ConfigError,
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
import { findSecurityGroups } from './security-group.js';

/** The description envboot gives the sources it opens, so the AWS console says who opened them. */
const exposedDescription = 'envboot expose';

export interface Ec2FirewallParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  readonly vpcId?: string | undefined;
  /**
   * The group's id when this process prepared it: read by id, because EC2 is eventually
   * consistent and a group created a moment ago may not answer a tag query yet.
   */
  readonly groupId?: string | undefined;
  /** The sources envboot's own SSH is open to (`ssh-cidr`): never listed, never closed. */
  readonly sshCidrs: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * The environment's security group's CIDR sources, beyond envboot's own SSH: what an
 * operator exposed, through envboot or the AWS console. Rules for other protocols (ICMP,
 * all traffic) and rules naming other groups or prefix lists are not envboot's to list.
 */
export async function ec2IngressRules(params: Ec2FirewallParams): Promise<IngressRule[]> {
  throwIfCancelled(params.signal, 'listing the open ports');
  const group = await environmentGroup(params);
  return group === undefined ? [] : groupPairs(openPairs(group, params.sshCidrs));
}

/** Authorizes what of `rules` the group lacks; a concurrent authorize of the same source is success. */
export async function openEc2Ports(params: Ec2FirewallParams & { readonly rules: readonly IngressRule[] }): Promise<void> {
  throwIfCancelled(params.signal, 'opening ports');
  for (let attempt = 1; ; attempt++) {
    const group = await requireGroup(params);
    const held = new Set(allPairs(group).map(pairKey));
    const missing = params.rules.flatMap(pairsOf).filter((pair) => !held.has(pairKey(pair)));
    if (missing.length === 0) return;
    try {
      await params.api.authorizeSecurityGroupIngress(
        { GroupId: group.GroupId, IpPermissions: permissionsOf(missing, exposedDescription) },
        { what: `opening ${groupPairs(missing).map(formatIngressRule).join('; ')}`, signal: params.signal },
      );
      return;
    } catch (error) {
      // Another client opened one of them between our read and our call: read again, once.
      if (awsCodeOf(error) !== 'InvalidPermission.Duplicate' || attempt > 1) throw error;
    }
  }
}

/** Revokes what of `rules` the group holds; refuses, closing nothing, a source envboot's SSH needs. */
export async function closeEc2Ports(params: Ec2FirewallParams & { readonly rules: readonly IngressRule[] }): Promise<void> {
  throwIfCancelled(params.signal, 'closing ports');
  const ssh = new Set(sshPairs(params.sshCidrs).map(pairKey));
  const needed = params.rules.flatMap(pairsOf).filter((pair) => ssh.has(pairKey(pair)));
  if (needed.length > 0) {
    throw new ConfigError(
      `${groupPairs(needed).map(formatIngressRule).join('; ')} is how envboot reaches the machines over SSH (ssh-cidr); ` +
        'nothing was closed: change ssh-cidr in the environment config instead',
    );
  }
  for (let attempt = 1; ; attempt++) {
    const group = await environmentGroup(params);
    if (group?.GroupId === undefined) return;
    const held = new Set(allPairs(group).map(pairKey));
    const present = params.rules.flatMap(pairsOf).filter((pair) => held.has(pairKey(pair)));
    if (present.length === 0) return;
    try {
      await params.api.revokeSecurityGroupIngress(
        { GroupId: group.GroupId, IpPermissions: permissionsOf(present) },
        { what: `closing ${groupPairs(present).map(formatIngressRule).join('; ')}`, signal: params.signal },
      );
      return;
    } catch (error) {
      // Outside the default VPC, EC2 revokes nothing when one source is already gone (another client closed it): read again, once.
      if (awsCodeOf(error) !== 'InvalidPermission.NotFound' || attempt > 1) throw error;
    }
  }
}

async function environmentGroup(params: Ec2FirewallParams): Promise<SecurityGroup | undefined> {
  const { groupId } = params;
  if (groupId === undefined) {
    const [group] = await findSecurityGroups({ api: params.api, environment: params.environment, vpcId: params.vpcId, signal: params.signal });
    return group;
  }
  // A group created a moment ago may answer InvalidGroup.NotFound for a few seconds.
  const answer = await pRetry(() => params.api.describeSecurityGroups({ GroupIds: [groupId] }, { what: 'reading the security group', signal: params.signal }), {
    retries: 5,
    minTimeout: 500,
    maxTimeout: 4_000,
    signal: params.signal,
    shouldRetry: ({ error }) => awsCodeOf(error) === 'InvalidGroup.NotFound',
  }).catch((error: unknown) => {
    // p-retry rejects an abort during its wait with the signal's reason: say it as envboot does.
    if (params.signal?.aborted === true) throw new CancelledError('reading the security group cancelled', { cause: params.signal.reason });
    throw error;
  });
  return answer.SecurityGroups?.[0];
}

async function requireGroup(params: Ec2FirewallParams): Promise<SecurityGroup & { GroupId: string }> {
  const group = await environmentGroup(params);
  if (group?.GroupId === undefined) {
    throw new ConfigError(
      `environment "${params.environment.name}" has no security group on EC2, so no port can be opened: ` +
        'bootstrap it first (or, if it was bootstrapped, its group was deleted: destroy and bootstrap it again)',
    );
  }
  return { ...group, GroupId: group.GroupId };
}

/** Every CIDR source of a TCP or UDP rule, canonical; sources EC2 stores oddly are skipped rather than guessed. */
function allPairs(group: SecurityGroup): IngressPair[] {
  return (group.IpPermissions ?? []).flatMap((permission) => {
    const protocol = permission.IpProtocol;
    if ((protocol !== 'tcp' && protocol !== 'udp') || permission.FromPort === undefined || permission.ToPort === undefined) return [];
    const range = { protocol, fromPort: permission.FromPort, toPort: permission.ToPort } as const;
    const cidrs = [...(permission.IpRanges ?? []).map((r) => r.CidrIp), ...(permission.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)];
    return cidrs.flatMap((given) => {
      const parsed = given === undefined ? undefined : parseSourceCidr(given);
      return parsed?.ok === true ? [{ ...range, cidr: parsed.cidr }] : [];
    });
  });
}

function openPairs(group: SecurityGroup, sshCidrs: readonly string[]): IngressPair[] {
  const ssh = new Set(sshPairs(sshCidrs).map(pairKey));
  return allPairs(group).filter((pair) => !ssh.has(pairKey(pair)));
}

function sshPairs(sshCidrs: readonly string[]): IngressPair[] {
  return sshCidrs.flatMap((given) => {
    const parsed = parseSourceCidr(given);
    return parsed.ok ? [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: parsed.cidr } as const] : [];
  });
}

/** EC2's shape: one permission per protocol and range, its IPv4 and IPv6 sources apart. */
function permissionsOf(pairs: readonly IngressPair[], description?: string): IpPermission[] {
  const described = description === undefined ? {} : { Description: description };
  return groupPairs(pairs).map((rule) => {
    const v4 = rule.sourceCidrs.filter((cidr) => !cidr.includes(':'));
    const v6 = rule.sourceCidrs.filter((cidr) => cidr.includes(':'));
    return {
      IpProtocol: rule.protocol,
      FromPort: rule.fromPort,
      ToPort: rule.toPort,
      ...(v4.length === 0 ? {} : { IpRanges: v4.map((CidrIp) => ({ CidrIp, ...described })) }),
      ...(v6.length === 0 ? {} : { Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6, ...described })) }),
    };
  });
}
