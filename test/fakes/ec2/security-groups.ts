import { Ec2Error, securityGroupNotFound } from './ec2-error.js';
import { defaultVpc } from './network.js';
import type { QueryParams } from './query-params.js';
import type { FakeEc2Rule } from './resources.js';
import type { Ec2State, SecurityGroupRecord } from './state.js';
import { itemSet, tagSet, text } from './xml.js';

/**
 * The group a request names by `GroupId`, or by `GroupName`, which EC2 resolves only in
 * the default VPC.
 */
export function lookUpGroup(state: Ec2State, params: QueryParams): SecurityGroupRecord {
  const id = params.get('GroupId');
  if (id !== undefined) {
    const group = state.securityGroups.get(id);
    if (group === undefined) throw securityGroupNotFound(id);
    return group;
  }
  const name = params.get('GroupName');
  if (name === undefined) throw new Ec2Error(400, 'MissingParameter', 'The request must contain the parameter groupName or groupId');
  return groupNamed(state, name);
}

export function groupNamed(state: Ec2State, name: string): SecurityGroupRecord {
  const vpcId = defaultVpc(state).id;
  const group = [...state.securityGroups.values()].find((candidate) => candidate.name === name && candidate.vpcId === vpcId);
  if (group === undefined) {
    throw new Ec2Error(400, 'InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpcId}'`);
  }
  return group;
}

export function groupXml(state: Ec2State, group: SecurityGroupRecord): string[] {
  return [
    text('ownerId', state.accountId),
    text('groupId', group.id),
    text('groupName', group.name),
    text('groupDescription', group.description),
    text('vpcId', group.vpcId),
    text('securityGroupArn', groupArn(state, group.id)),
    permissionsXml('ipPermissions', group.ingress, state.accountId),
    permissionsXml('ipPermissionsEgress', group.egress, state.accountId),
    tagSet(group.tags),
  ];
}

export function groupArn(state: Ec2State, id: string): string {
  return `arn:aws:ec2:${state.region}:${state.accountId}:security-group/${id}`;
}

export function ruleFields(rule: Omit<FakeEc2Rule, 'id'>): string[] {
  return [text('ipProtocol', rule.protocol), text('fromPort', rule.fromPort), text('toPort', rule.toPort)];
}

/** EC2's `ipPermissions` shape: rules grouped by protocol and ports, each with its sources. */
export function permissionsXml(name: string, rules: readonly Omit<FakeEc2Rule, 'id'>[], accountId: string): string {
  const groups = new Map<string, Omit<FakeEc2Rule, 'id'>[]>();
  for (const rule of rules) {
    const key = JSON.stringify([rule.protocol, rule.fromPort, rule.toPort]);
    groups.set(key, [...(groups.get(key) ?? []), rule]);
  }
  const sourcesXml = (sources: readonly Omit<FakeEc2Rule, 'id'>[], pick: (rule: Omit<FakeEc2Rule, 'id'>) => string[] | undefined): string[][] =>
    sources.flatMap((rule) => {
      const fields = pick(rule);
      return fields === undefined ? [] : [[...fields, text('description', rule.description)]];
    });
  return itemSet(
    name,
    [...groups.values()].map((sources) => [
      ...(sources[0] === undefined ? [] : ruleFields(sources[0])),
      itemSet('groups', sourcesXml(sources, (r) => (r.groupId === undefined ? undefined : [text('userId', accountId), text('groupId', r.groupId)]))),
      itemSet('ipRanges', sourcesXml(sources, (r) => (r.cidrIp === undefined ? undefined : [text('cidrIp', r.cidrIp)]))),
      itemSet('ipv6Ranges', sourcesXml(sources, (r) => (r.cidrIpv6 === undefined ? undefined : [text('cidrIpv6', r.cidrIpv6)]))),
      itemSet('prefixListIds', []),
    ]),
  );
}
