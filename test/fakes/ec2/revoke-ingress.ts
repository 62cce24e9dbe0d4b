import type { ActionHandler } from './action.js';
import { Ec2Error, idsNotFound, invalidParameterCombination, missingParameter } from './ec2-error.js';
import { type RuleSpec, ruleKey, rulesOf } from './ingress-rules.js';
import { defaultVpc } from './network.js';
import type { QueryParams } from './query-params.js';
import type { FakeEc2Rule } from './resources.js';
import { lookUpGroup, permissionsXml, ruleFields } from './security-groups.js';
import type { Ec2State, SecurityGroupRecord } from './state.js';
import { itemSet, text } from './xml.js';

/**
 * RevokeSecurityGroupIngress, naming rules as AuthorizeSecurityGroupIngress does (a rule
 * matches on protocol, ports and source; its description is ignored) or by
 * `SecurityGroupRuleId.N`. In the default VPC a named rule the group does not have is
 * answered in `unknownIpPermissionSet` and the rest are revoked; in any other VPC it fails
 * the whole call with InvalidPermission.NotFound. An unknown rule id always fails it, with
 * InvalidSecurityGroupRuleId.NotFound. Nothing is revoked from a call that fails.
 */
export const revokeSecurityGroupIngress: ActionHandler = (state, { params }) => {
  const group = lookUpGroup(state, params);
  const { revoked, unknown } = params.list('SecurityGroupRuleId').length > 0 ? byIds(group, params) : byProperties(state, group, params);
  if (unknown.length > 0 && group.vpcId !== defaultVpc(state).id) {
    throw new Ec2Error(400, 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
  }
  const gone = new Set(revoked.map((rule) => rule.id));
  group.ingress = group.ingress.filter((rule) => !gone.has(rule.id));
  return [
    text('return', true),
    unknown.length === 0 ? '' : permissionsXml('unknownIpPermissionSet', unknown, state.accountId),
    itemSet(
      'revokedSecurityGroupRuleSet',
      revoked.map((rule) => [
        text('securityGroupRuleId', rule.id),
        text('groupId', group.id),
        text('isEgress', false),
        ...ruleFields(rule),
        text('cidrIpv4', rule.cidrIp),
        text('cidrIpv6', rule.cidrIpv6),
        text('referencedGroupId', rule.groupId),
        text('description', rule.description),
      ]),
    ),
  ];
};

/** The group's rules a request names, and the named rules the group does not have. */
interface Revocation {
  readonly revoked: readonly FakeEc2Rule[];
  readonly unknown: readonly RuleSpec[];
}

function byProperties(state: Ec2State, group: SecurityGroupRecord, params: QueryParams): Revocation {
  const specs = rulesOf(state, params);
  if (specs.length === 0) throw missingParameter('IpPermissions');
  const existing = new Map(group.ingress.map((rule) => [ruleKey(rule), rule]));
  const revoked = new Map<string, FakeEc2Rule>();
  const unknown: RuleSpec[] = [];
  for (const spec of specs) {
    const rule = existing.get(ruleKey(spec));
    if (rule === undefined) unknown.push(spec);
    else revoked.set(rule.id, rule);
  }
  return { revoked: [...revoked.values()], unknown };
}

function byIds(group: SecurityGroupRecord, params: QueryParams): Revocation {
  if (params.structs('IpPermissions').length > 0 || params.get('IpProtocol') !== undefined) {
    throw invalidParameterCombination('The parameter SecurityGroupRuleIds cannot be used with the parameter IpPermissions');
  }
  const ids = [...new Set(params.list('SecurityGroupRuleId'))];
  const missing = ids.filter((id) => !group.ingress.some((rule) => rule.id === id));
  if (missing.length > 0) throw idsNotFound('InvalidSecurityGroupRuleId.NotFound', 'security group rule', missing);
  return { revoked: group.ingress.filter((rule) => ids.includes(rule.id)), unknown: [] };
}
