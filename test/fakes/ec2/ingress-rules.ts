import type { ActionHandler } from './action.js';
import { Ec2Error, invalidParameterValue, missingParameter, securityGroupNotFound } from './ec2-error.js';
import type { QueryParams } from './query-params.js';
import type { FakeEc2Rule } from './resources.js';
import { lookUpGroup, ruleFields } from './security-groups.js';
import type { Ec2State } from './state.js';
import { itemSet, node, text } from './xml.js';

/** A rule as a request names it: everything but the id, which only a stored rule has. */
export type RuleSpec = Omit<FakeEc2Rule, 'id'>;

/**
 * AWS's default quota of inbound rules per group, counted apart for IPv4 and IPv6 sources;
 * a rule naming a group counts in both (Amazon VPC quotas).
 */
export const cidrRulesPerGroup = 60;

/**
 * AuthorizeSecurityGroupIngress, with `IpPermissions.N` (`IpRanges.M.CidrIp`,
 * `Ipv6Ranges.M.CidrIpv6`, and `Groups.M.GroupId` — the SDK's `UserIdGroupPairs` go on
 * the wire as `Groups`) or the legacy top-level `IpProtocol`/`FromPort`/`ToPort`/`CidrIp`.
 * A rule that already exists fails the whole call with InvalidPermission.Duplicate; more
 * than 60 IPv4 or 60 IPv6 rules in the group (group references count in both) with
 * RulesPerSecurityGroupLimitExceeded.
 */
export const authorizeSecurityGroupIngress: ActionHandler = (state, { params }) => {
  const group = lookUpGroup(state, params);
  const specs = rulesOf(state, params);
  if (specs.length === 0) throw missingParameter('IpPermissions');
  const seen = new Set(group.ingress.map(ruleKey));
  for (const spec of specs) {
    if (seen.has(ruleKey(spec))) {
      throw new Ec2Error(400, 'InvalidPermission.Duplicate', `the specified rule "${describeRule(spec)}" already exists`);
    }
    seen.add(ruleKey(spec));
  }
  checkRuleLimit([...group.ingress, ...specs]);
  const rules = specs.map((spec) => ({ id: state.newId('sgr'), ...spec }));
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

function checkRuleLimit(rules: readonly RuleSpec[]): void {
  const groups = rules.filter((rule) => rule.groupId !== undefined).length;
  const ipv4 = rules.filter((rule) => rule.cidrIp !== undefined).length + groups;
  const ipv6 = rules.filter((rule) => rule.cidrIpv6 !== undefined).length + groups;
  if (ipv4 > cidrRulesPerGroup || ipv6 > cidrRulesPerGroup) {
    throw new Ec2Error(400, 'RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
  }
}

/** The rules a request names, one per source, checked (protocol, ports, CIDRs, referenced groups) but not yet stored. */
export function rulesOf(state: Ec2State, params: QueryParams): RuleSpec[] {
  const permissions = params.structs('IpPermissions');
  if (permissions.length === 0 && params.get('IpProtocol') !== undefined) {
    const cidr = params.get('CidrIp');
    return expand(params, [{ ...(cidr === undefined ? {} : { cidrIp: checkCidr(cidr) }) }]);
  }
  return permissions.flatMap((permission) => {
    const sources: Omit<RuleSpec, 'protocol'>[] = [
      ...permission.structs('IpRanges').map((range) => ({ cidrIp: checkCidr(range.require('CidrIp')), ...described(range) })),
      ...permission.structs('Ipv6Ranges').map((range) => ({ cidrIpv6: range.require('CidrIpv6'), ...described(range) })),
      ...permission.structs('Groups').map((pair) => ({ groupId: existingGroup(state, pair.require('GroupId')), ...described(pair) })),
    ];
    return expand(permission, sources);
  });
}

/** One rule per source, with the permission's protocol and ports. */
function expand(permission: QueryParams, sources: readonly Omit<RuleSpec, 'protocol'>[]): RuleSpec[] {
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
  return sources.map((source) => ({ protocol, ...ports, ...source }));
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

/** What makes two rules the same rule: protocol, ports and source; never the description. */
export function ruleKey(rule: RuleSpec): string {
  return JSON.stringify([rule.protocol, rule.fromPort, rule.toPort, rule.cidrIp, rule.cidrIpv6, rule.groupId]);
}

/** EC2's wording in InvalidPermission.Duplicate: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
function describeRule(rule: RuleSpec): string {
  const peer = rule.cidrIp ?? rule.cidrIpv6 ?? rule.groupId ?? '';
  const protocol = rule.protocol === '-1' ? 'ALL' : rule.protocol.toUpperCase();
  const ports = rule.fromPort === undefined ? '' : `, from port: ${rule.fromPort}, to port: ${rule.toPort ?? rule.fromPort}`;
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}
