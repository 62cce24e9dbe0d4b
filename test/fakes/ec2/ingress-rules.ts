import type { ActionHandler } from './action.js';
import { Ec2Error, invalidParameterValue, missingParameter, securityGroupNotFound } from './ec2-error.js';
import type { QueryParams } from './query-params.js';
import type { FakeEc2Rule } from './resources.js';
import { lookUpGroup, ruleFields } from './security-groups.js';
import type { Ec2State } from './state.js';
import { itemSet, node, text } from './xml.js';

/**
 * AuthorizeSecurityGroupIngress, with `IpPermissions.N` (`IpRanges.M.CidrIp`,
 * `Ipv6Ranges.M.CidrIpv6`, and `Groups.M.GroupId` — the SDK's `UserIdGroupPairs` go on
 * the wire as `Groups`) or the legacy top-level `IpProtocol`/`FromPort`/`ToPort`/`CidrIp`.
 * A rule that already exists fails the whole call with InvalidPermission.Duplicate.
 */
export const authorizeSecurityGroupIngress: ActionHandler = (state, { params }) => {
  const group = lookUpGroup(state, params);
  const rules = rulesOf(state, params);
  if (rules.length === 0) throw missingParameter('IpPermissions');
  const seen = new Set(group.ingress.map(ruleKey));
  for (const rule of rules) {
    if (seen.has(ruleKey(rule))) {
      throw new Ec2Error(400, 'InvalidPermission.Duplicate', `the specified rule "${describeRule(rule)}" already exists`);
    }
    seen.add(ruleKey(rule));
  }
  group.ingress.push(...rules);
  return [
    text('return', true),
    itemSet(
      'securityGroupRuleSet',
      rules.map((rule) => [
        text('securityGroupRuleId', rule.id),
        text('groupId', group.id),
        text('groupOwnerId', state.accountId),
        text('isEgress', false),
        ...ruleFields(rule),
        text('cidrIpv4', rule.cidrIp),
        text('cidrIpv6', rule.cidrIpv6),
        rule.groupId === undefined ? '' : node('referencedGroupInfo', [text('groupId', rule.groupId), text('userId', state.accountId)]),
        text('description', rule.description),
      ]),
    ),
  ];
};

function rulesOf(state: Ec2State, params: QueryParams): FakeEc2Rule[] {
  const permissions = params.structs('IpPermissions');
  if (permissions.length === 0 && params.get('IpProtocol') !== undefined) {
    const cidr = params.get('CidrIp');
    return expand(state, params, [{ ...(cidr === undefined ? {} : { cidrIp: checkCidr(cidr) }) }]);
  }
  return permissions.flatMap((permission) => {
    const sources: Omit<FakeEc2Rule, 'id' | 'protocol'>[] = [
      ...permission.structs('IpRanges').map((range) => ({ cidrIp: checkCidr(range.require('CidrIp')), ...described(range) })),
      ...permission.structs('Ipv6Ranges').map((range) => ({ cidrIpv6: range.require('CidrIpv6'), ...described(range) })),
      ...permission.structs('Groups').map((pair) => ({ groupId: existingGroup(state, pair.require('GroupId')), ...described(pair) })),
    ];
    return expand(state, permission, sources);
  });
}

/** One stored rule per source, with the permission's protocol and ports. */
function expand(state: Ec2State, permission: QueryParams, sources: readonly Omit<FakeEc2Rule, 'id' | 'protocol'>[]): FakeEc2Rule[] {
  const protocol = protocolOf(permission.require('IpProtocol'));
  const fromPort = permission.int('FromPort');
  const toPort = permission.int('ToPort');
  if (protocol === 'tcp' || protocol === 'udp') {
    if (fromPort === undefined || toPort === undefined || fromPort < 0 || toPort > 65535 || fromPort > toPort) {
      throw invalidParameterValue('Invalid value for portRange. Must specify both from and to ports with TCP/UDP.');
    }
  }
  // "All protocols" has no ports: EC2 drops any that were sent.
  const ports = protocol === '-1' ? {} : { ...(fromPort === undefined ? {} : { fromPort }), ...(toPort === undefined ? {} : { toPort }) };
  return sources.map((source) => ({ id: state.newId('sgr'), protocol, ...ports, ...source }));
}

const protocolNames: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

function protocolOf(given: string): string {
  const protocol = protocolNames[given.toLowerCase()] ?? given.toLowerCase();
  if (!['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(protocol)) {
    throw invalidParameterValue(`Invalid value '${given}' for IP protocol. Unknown protocol.`);
  }
  return protocol;
}

function checkCidr(cidr: string): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const valid = match !== null && match.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(match[5]) <= 32;
  if (!valid) throw invalidParameterValue(`CIDR block ${cidr} is malformed`);
  return cidr;
}

function described(params: QueryParams): { description?: string } {
  const description = params.get('Description');
  return description === undefined ? {} : { description };
}

function existingGroup(state: Ec2State, id: string): string {
  if (!state.securityGroups.has(id)) throw securityGroupNotFound(id);
  return id;
}

function ruleKey(rule: FakeEc2Rule): string {
  return JSON.stringify([rule.protocol, rule.fromPort, rule.toPort, rule.cidrIp, rule.cidrIpv6, rule.groupId]);
}

/** EC2's wording in InvalidPermission.Duplicate: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
function describeRule(rule: FakeEc2Rule): string {
  const peer = rule.cidrIp ?? rule.cidrIpv6 ?? rule.groupId ?? '';
  const protocol = rule.protocol === '-1' ? 'ALL' : rule.protocol.toUpperCase();
  const ports = rule.fromPort === undefined ? '' : `, from port: ${rule.fromPort}, to port: ${rule.toPort ?? rule.fromPort}`;
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}
