import type { ActionHandler } from './action.js';
import { idsNotFound } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import { availableIpCount } from './network.js';
import { pageOf } from './paging.js';
import { filtersOf } from './query-params.js';
import type { FakeEc2Vpc } from './resources.js';
import type { Ec2State, SubnetRecord } from './state.js';
import { node, itemSet, tagSet, text } from './xml.js';

const vpcFilters: FilterSpec<FakeEc2Vpc> = {
  'vpc-id': (vpc) => [vpc.id],
  'is-default': (vpc) => [vpc.isDefault],
  cidr: (vpc) => [vpc.cidrBlock],
  'cidr-block-association.cidr-block': (vpc) => [vpc.cidrBlock],
  state: () => ['available'],
};

/** DescribeVpcs: by `VpcId.N` (unknown ids fail with InvalidVpcID.NotFound) and filters. */
export const describeVpcs: ActionHandler = (state, { params }) => {
  const vpcs = selectByIds(state.vpcs, params.list('VpcId'), 'InvalidVpcID.NotFound', 'vpc');
  const page = pageOf(applyFilters(vpcs, filtersOf(params), vpcFilters, (vpc) => vpc.tags), params, { min: 5, max: 1000 }, 'DescribeVpcs');
  return [itemSet('vpcSet', page.items.map((vpc) => vpcXml(state, vpc))), text('nextToken', page.nextToken)];
};

function vpcXml(state: Ec2State, vpc: FakeEc2Vpc): string[] {
  const association = [text('associationId', `vpc-cidr-assoc-${vpc.id.slice(4)}`), text('cidrBlock', vpc.cidrBlock), node('cidrBlockState', [text('state', 'associated')])];
  return [
    text('vpcId', vpc.id),
    text('ownerId', state.accountId),
    text('state', 'available'),
    text('cidrBlock', vpc.cidrBlock),
    itemSet('cidrBlockAssociationSet', [association]),
    text('instanceTenancy', 'default'),
    text('isDefault', vpc.isDefault),
    tagSet(vpc.tags),
  ];
}

const subnetFilters: FilterSpec<SubnetRecord & { readonly zoneId: string | undefined }> = {
  'subnet-id': (subnet) => [subnet.id],
  'vpc-id': (subnet) => [subnet.vpcId],
  'availability-zone': (subnet) => [subnet.zone],
  'availability-zone-id': (subnet) => [subnet.zoneId],
  'default-for-az': (subnet) => [subnet.defaultForAz],
  'map-public-ip-on-launch': (subnet) => [subnet.mapPublicIpOnLaunch],
  'cidr-block': (subnet) => [subnet.cidrBlock],
  state: () => ['available'],
};

/** DescribeSubnets: by `SubnetId.N` (unknown ids fail with InvalidSubnetID.NotFound) and filters. */
export const describeSubnets: ActionHandler = (state, { params }) => {
  const subnets = selectByIds(state.subnets, params.list('SubnetId'), 'InvalidSubnetID.NotFound', 'subnet').map((subnet) => ({
    ...subnet,
    zoneId: state.zones.find((zone) => zone.name === subnet.zone)?.id,
  }));
  const matching = applyFilters(subnets, filtersOf(params), subnetFilters, (subnet) => subnet.tags);
  const page = pageOf(matching, params, { min: 5, max: 1000 }, 'DescribeSubnets');
  return [itemSet('subnetSet', page.items.map((subnet) => subnetXml(state, subnet))), text('nextToken', page.nextToken)];
};

function subnetXml(state: Ec2State, subnet: SubnetRecord & { readonly zoneId: string | undefined }): string[] {
  return [
    text('subnetId', subnet.id),
    text('subnetArn', `arn:aws:ec2:${state.region}:${state.accountId}:subnet/${subnet.id}`),
    text('state', 'available'),
    text('vpcId', subnet.vpcId),
    text('ownerId', state.accountId),
    text('cidrBlock', subnet.cidrBlock),
    text('availableIpAddressCount', availableIpCount(subnet)),
    text('availabilityZone', subnet.zone),
    text('availabilityZoneId', subnet.zoneId),
    text('defaultForAz', subnet.defaultForAz),
    text('mapPublicIpOnLaunch', subnet.mapPublicIpOnLaunch),
    tagSet(subnet.tags),
  ];
}

/** The resources named by `ids` (all when none are named); any unknown id fails the call. */
export function selectByIds<T extends { readonly id: string }>(resources: readonly T[], ids: readonly string[], code: string, noun: string): T[] {
  if (ids.length === 0) return [...resources];
  const missing = ids.filter((id) => !resources.some((resource) => resource.id === id));
  if (missing.length > 0) throw idsNotFound(code, noun, missing);
  return resources.filter((resource) => ids.includes(resource.id));
}
