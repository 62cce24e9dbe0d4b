import { invalidParameterValue } from './ec2-error.js';
import type { FakeEc2Rule, FakeEc2Vpc, FakeEc2Zone, Tags } from './resources.js';
import type { Ec2State, SecurityGroupRecord, SubnetRecord } from './state.js';

/** A zone to serve instead of the default `${region}a`, `b` and `c`. */
export interface FakeEc2ZoneOption {
  readonly name: string;
  readonly state?: FakeEc2Zone['state'];
  /** A `local-zone` is listed too, and a `zone-type` filter can leave it out. */
  readonly type?: FakeEc2Zone['type'];
}

export function zoneRecords(region: string, options: readonly FakeEc2ZoneOption[] | undefined): FakeEc2Zone[] {
  const zones: readonly FakeEc2ZoneOption[] = options ?? ['a', 'b', 'c'].map((letter) => ({ name: `${region}${letter}` }));
  let azs = 0;
  let locals = 0;
  return zones.map((zone) => {
    const type = zone.type ?? 'availability-zone';
    const id = type === 'availability-zone' ? `${regionCode(region)}-az${++azs}` : `${regionCode(region)}-lz${++locals}-az1`;
    return { name: zone.name, id, state: zone.state ?? 'available', type };
  });
}

/** EC2's short region code used in zone ids: `us-east-1` → `use1`, `ap-southeast-2` → `apse2`. */
function regionCode(region: string): string {
  const [area = '', ...rest] = region.split('-');
  const number = rest.pop() ?? '';
  const shorten = (word: string): string => {
    const short = word.replace('north', 'n').replace('south', 's').replace('east', 'e').replace('west', 'w').replace('central', 'c');
    return short.length <= 2 ? short : short.charAt(0);
  };
  return `${area}${rest.map(shorten).join('')}${number}`;
}

export interface AddFakeEc2SubnetParams {
  readonly zone: string;
  /** Default: the default VPC. */
  readonly vpcId?: string;
  /** Default: true, as in a default VPC. */
  readonly mapPublicIpOnLaunch?: boolean;
  /** Default: the VPC's next free /20. */
  readonly cidrBlock?: string;
  readonly tags?: Tags;
  /** Whether launches that name only a zone land here; default false. */
  readonly defaultForAz?: boolean;
}

export function addSubnet(state: Ec2State, params: AddFakeEc2SubnetParams): SubnetRecord {
  const vpcId = params.vpcId ?? defaultVpc(state).id;
  if (!state.zones.some((zone) => zone.name === params.zone)) throw invalidParameterValue(`Invalid availability zone: [${params.zone}]`);
  const taken = state.subnets.filter((subnet) => subnet.vpcId === vpcId).length;
  const subnet: SubnetRecord = {
    id: state.newId('subnet'),
    vpcId,
    zone: params.zone,
    cidrBlock: params.cidrBlock ?? `10.0.${taken * 16}.0/20`,
    mapPublicIpOnLaunch: params.mapPublicIpOnLaunch ?? true,
    defaultForAz: params.defaultForAz ?? false,
    tags: params.tags ?? {},
    hostsIssued: 0,
  };
  state.subnets.push(subnet);
  return subnet;
}

/** A default VPC (10.0.0.0/16, unlike AWS's 172.31/16, so addresses read as the fake's) with its default group and one default subnet per availability zone. */
export function addDefaultNetwork(state: Ec2State): void {
  const vpc: FakeEc2Vpc = { id: state.newId('vpc'), cidrBlock: '10.0.0.0/16', isDefault: true, tags: {} };
  state.vpcs.push(vpc);
  addDefaultSecurityGroup(state, vpc.id);
  for (const zone of state.zones.filter((zone) => zone.type === 'availability-zone')) addSubnet(state, { zone: zone.name, defaultForAz: true });
}

/** Every VPC has a `default` group: all traffic from its own members in, everything out. */
function addDefaultSecurityGroup(state: Ec2State, vpcId: string): SecurityGroupRecord {
  const id = state.newId('sg');
  const group: SecurityGroupRecord = {
    id,
    name: 'default',
    description: 'default VPC security group',
    vpcId,
    tags: {},
    ingress: [{ id: state.newId('sgr'), protocol: '-1', groupId: id }],
    egress: [allowAllOut(state)],
  };
  state.securityGroups.set(id, group);
  return group;
}

export function allowAllOut(state: Ec2State): FakeEc2Rule {
  return { id: state.newId('sgr'), protocol: '-1', cidrIp: '0.0.0.0/0' };
}

export function defaultVpc(state: Ec2State): FakeEc2Vpc {
  const vpc = state.vpcs.find((candidate) => candidate.isDefault);
  if (vpc === undefined) throw new Error('the fake EC2 has no default VPC');
  return vpc;
}

/** The next address in the subnet, skipping the first four that AWS reserves. */
export function nextPrivateIp(subnet: SubnetRecord): string {
  const [address = '0.0.0.0'] = subnet.cidrBlock.split('/');
  const base = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const ip = base + 4 + subnet.hostsIssued++;
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

/** Addresses from TEST-NET-3 (RFC 5737), which nothing on any network answers. */
export function nextPublicIp(state: Ec2State): string {
  return `203.0.113.${(state.publicIpsIssued++ % 250) + 4}`;
}

export function availableIpCount(subnet: SubnetRecord): number {
  const prefix = Number(subnet.cidrBlock.split('/')[1] ?? '32');
  return Math.max(0, 2 ** (32 - prefix) - 5 - subnet.hostsIssued);
}
