import type { ActionHandler } from './action.js';
import { Ec2Error, idsNotFound, invalidParameterValue, securityGroupNotFound } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import { allowAllOut, defaultVpc } from './network.js';
import { pageOf } from './paging.js';
import { enforceTagPolicy } from './tag-policy.js';
import { filtersOf, tagSpecificationsOf, tagsFor } from './query-params.js';
import { groupArn, groupNamed, groupXml, lookUpGroup } from './security-groups.js';
import { type Ec2State, type SecurityGroupRecord, fakeAccountId } from './state.js';
import { itemSet, tagSet, text } from './xml.js';

const groupFilters: FilterSpec<SecurityGroupRecord> = {
  'group-id': (group) => [group.id],
  'group-name': (group) => [group.name],
  'vpc-id': (group) => [group.vpcId],
  description: (group) => [group.description],
  'owner-id': () => [fakeAccountId],
  'ip-permission.cidr': (group) => group.ingress.map((rule) => rule.cidrIp),
  'ip-permission.protocol': (group) => group.ingress.map((rule) => rule.protocol),
  'ip-permission.from-port': (group) => group.ingress.map((rule) => rule.fromPort),
  'ip-permission.to-port': (group) => group.ingress.map((rule) => rule.toPort),
  'ip-permission.group-id': (group) => group.ingress.map((rule) => rule.groupId),
};

/** DescribeSecurityGroups: by `GroupId.N`, `GroupName.N` (default VPC only) and filters. */
export const describeSecurityGroups: ActionHandler = (state, { params }) => {
  const ids = params.list('GroupId');
  const names = params.list('GroupName');
  const unknown = ids.find((id) => !state.securityGroups.has(id));
  if (unknown !== undefined) throw securityGroupNotFound(unknown);
  const named = new Set([...ids, ...names.map((name) => groupNamed(state, name).id)]);
  const all = [...state.securityGroups.values()];
  const selected = named.size === 0 ? all : all.filter((group) => named.has(group.id));
  const matching = applyFilters(selected, filtersOf(params), groupFilters, (group) => group.tags);
  const page = pageOf(matching, params, { min: 5, max: 1000 }, 'DescribeSecurityGroups');
  return [itemSet('securityGroupInfo', page.items.map((group) => groupXml(state, group))), text('nextToken', page.nextToken)];
};

/**
 * CreateSecurityGroup in `VpcId` (default: the default VPC) with an allow-all egress rule,
 * as EC2 creates it. Names are unique per VPC: a second one fails with InvalidGroup.Duplicate.
 */
export const createSecurityGroup: ActionHandler = (state, { params, faults }) => {
  const name = params.require('GroupName');
  const description = params.require('GroupDescription');
  const vpcId = params.get('VpcId') ?? defaultVpc(state).id;
  if (!state.vpcs.some((vpc) => vpc.id === vpcId)) throw idsNotFound('InvalidVpcID.NotFound', 'vpc', [vpcId]);
  if (name.startsWith('sg-')) throw invalidParameterValue('Group names may not be in the format sg-*');
  if ([...state.securityGroups.values()].some((group) => group.name === name && group.vpcId === vpcId)) {
    throw new Ec2Error(400, 'InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
  }
  const tags = tagsFor(tagSpecificationsOf(params, ['security-group']), 'security-group');
  enforceTagPolicy({ required: faults.requireTags, action: 'CreateSecurityGroup', region: state.region, creations: [{ resourceType: 'security-group', tags }] });
  const group = addGroup(state, { name, description, vpcId, tags });
  return [text('groupId', group.id), tagSet(group.tags), text('securityGroupArn', groupArn(state, group.id))];
};

export function addGroup(state: Ec2State, fields: Pick<SecurityGroupRecord, 'name' | 'description' | 'vpcId' | 'tags'>): SecurityGroupRecord {
  const group: SecurityGroupRecord = { id: state.newId('sg'), ...fields, ingress: [], egress: [allowAllOut(state)] };
  state.securityGroups.set(group.id, group);
  return group;
}

/**
 * DeleteSecurityGroup by `GroupId` or `GroupName`. Fails with DependencyViolation while any
 * instance that is not yet `terminated` is in the group (a `shutting-down` one still
 * counts, as on AWS) or another group's rule refers to it.
 */
export const deleteSecurityGroup: ActionHandler = (state, { params, faults }) => {
  const group = lookUpGroup(state, params);
  if (group.name === 'default') {
    throw new Ec2Error(400, 'CannotDelete', `the specified group: "${group.id}" name: "default" cannot be deleted by a user`);
  }
  const inUse =
    [...state.instances.values()].some((instance) => instance.state !== 'terminated' && instance.securityGroupIds.includes(group.id)) ||
    [...state.securityGroups.values()].some((other) => other.id !== group.id && other.ingress.some((rule) => rule.groupId === group.id));
  if (faults.dependencyViolations > 0 || inUse) {
    if (faults.dependencyViolations > 0) faults.dependencyViolations -= 1;
    throw new Ec2Error(400, 'DependencyViolation', `resource ${group.id} has a dependent object`);
  }
  state.securityGroups.delete(group.id);
  return [text('return', true), text('groupId', group.id)];
};
