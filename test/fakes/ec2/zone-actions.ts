import type { ActionHandler } from './action.js';
import { invalidParameterValue, invalidZone } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import { pageOf } from './paging.js';
import { filtersOf } from './query-params.js';
import type { FakeEc2Zone } from './resources.js';
import type { Ec2State } from './state.js';
import { itemSet, text } from './xml.js';

const zoneFilters: FilterSpec<FakeEc2Zone & { readonly region: string }> = {
  'zone-name': (zone) => [zone.name],
  'zone-id': (zone) => [zone.id],
  'zone-type': (zone) => [zone.type],
  state: (zone) => [zone.state],
  'region-name': (zone) => [zone.region],
  'opt-in-status': (zone) => [optInStatus(zone)],
};

/** DescribeAvailabilityZones: by `ZoneName.N` / `ZoneId.N` and filters. */
export const describeAvailabilityZones: ActionHandler = (state, { params }) => {
  const names = params.list('ZoneName');
  const ids = params.list('ZoneId');
  const unknown = names.find((name) => !state.zones.some((zone) => zone.name === name));
  if (unknown !== undefined) throw invalidZone(unknown);
  const named = names.length === 0 && ids.length === 0 ? state.zones : state.zones.filter((zone) => names.includes(zone.name) || ids.includes(zone.id));
  const zones = applyFilters(
    named.map((zone) => ({ ...zone, region: state.region })),
    filtersOf(params),
    zoneFilters,
  );
  return [itemSet('availabilityZoneInfo', zones.map((zone) => zoneXml(state, zone)))];
};

function zoneXml(state: Ec2State, zone: FakeEc2Zone): string[] {
  const local = zone.type === 'local-zone';
  const parent = local ? state.zones.find((candidate) => candidate.type === 'availability-zone') : undefined;
  return [
    text('optInStatus', optInStatus(zone)),
    itemSet('messageSet', []),
    text('regionName', state.region),
    text('zoneName', zone.name),
    text('zoneId', zone.id),
    text('groupName', local ? zone.name.replace(/[a-z]$/, '') : state.region),
    text('networkBorderGroup', local ? zone.name.replace(/[a-z]$/, '') : state.region),
    text('zoneType', zone.type),
    text('parentZoneName', parent?.name),
    text('parentZoneId', parent?.id),
    text('zoneState', zone.state),
  ];
}

function optInStatus(zone: FakeEc2Zone): string {
  return zone.type === 'availability-zone' ? 'opt-in-not-required' : 'opted-in';
}

interface Offering {
  readonly instanceType: string;
  readonly locationType: string;
  readonly location: string;
}

const offeringFilters: FilterSpec<Offering> = {
  'instance-type': (offering) => [offering.instanceType],
  location: (offering) => [offering.location],
};

/**
 * DescribeInstanceTypeOfferings: by `LocationType` (default `region`, as on AWS, which
 * lists what the region offers anywhere), filters `instance-type` and `location`, paged.
 */
export const describeInstanceTypeOfferings: ActionHandler = (state, { params }) => {
  const locationType = params.get('LocationType') ?? 'region';
  const offerings = applyFilters(offeringsBy(state, locationType), filtersOf(params), offeringFilters);
  const page = pageOf(offerings, params, { min: 5, max: 1000 }, 'DescribeInstanceTypeOfferings');
  return [
    itemSet(
      'instanceTypeOfferingSet',
      page.items.map((offering) => [
        text('instanceType', offering.instanceType),
        text('locationType', offering.locationType),
        text('location', offering.location),
      ]),
    ),
    text('nextToken', page.nextToken),
  ];
};

function offeringsBy(state: Ec2State, locationType: string): Offering[] {
  if (locationType === 'region') {
    const offered = new Set(state.zones.flatMap((zone) => [...(state.offerings.get(zone.name) ?? [])]));
    return [...state.instanceTypes.keys()].filter((type) => offered.has(type)).map((instanceType) => ({ instanceType, locationType, location: state.region }));
  }
  if (locationType !== 'availability-zone' && locationType !== 'availability-zone-id') {
    throw invalidParameterValue(`Invalid value '${locationType}' for LocationType`);
  }
  return state.zones.flatMap((zone) =>
    [...(state.offerings.get(zone.name) ?? [])].map((instanceType) => ({
      instanceType,
      locationType,
      location: locationType === 'availability-zone' ? zone.name : zone.id,
    })),
  );
}
