import type { InstanceTypeRecord } from './catalogue.js';
import { Ec2Error, idsNotFound, imageNotFound, invalidParameterCombination, invalidParameterValue, invalidZone, securityGroupNotFound } from './ec2-error.js';
import type { ImageRecord } from './images.js';
import type { DeviceRequest } from './instances.js';
import { launchOptionsOf, type LaunchOptions } from './launch-options.js';
import { type QueryParams, type Tags, tagSpecificationsOf, tagsFor } from './query-params.js';
import { groupNamed } from './security-groups.js';
import type { Ec2State, SubnetRecord } from './state.js';

/** A RunInstances request, checked against the fake's catalogue, images and network. */
export interface LaunchRequest {
  readonly image: ImageRecord;
  readonly instanceType: InstanceTypeRecord;
  readonly count: number;
  readonly subnet: SubnetRecord;
  readonly securityGroupIds: readonly string[];
  readonly userData: Buffer;
  readonly keyName?: string;
  readonly httpTokens: 'optional' | 'required';
  readonly httpEndpoint: 'enabled' | 'disabled';
  readonly shutdownBehavior: 'stop' | 'terminate';
  readonly devices: readonly DeviceRequest[];
  readonly instanceTags: Tags;
  readonly volumeTags: Tags;
  readonly networkInterfaceTags: Tags;
  /** The instance profile and spot request (with its tags). */
  readonly launch: LaunchOptions;
}

/** EC2's limit on decoded user data. */
const userDataLimit = 16384;

/** Reads and checks a RunInstances request, failing with the error EC2 gives for the first problem. */
export function launchRequestOf(state: Ec2State, params: QueryParams): LaunchRequest {
  const imageId = params.require('ImageId');
  // EC2 still defaults to this long-retired type; the catalogue will usually refuse it.
  const typeName = params.get('InstanceType') ?? 'm1.small';
  const minCount = params.int('MinCount') ?? 1;
  const count = params.int('MaxCount') ?? minCount;
  if (minCount < 1 || count < minCount) throw invalidParameterValue(`Invalid value '${count}' for maxCount. Must be at least minCount (${minCount}).`);
  const userData = userDataOf(params.get('UserData'));
  const image = state.images.find((candidate) => candidate.id === imageId);
  if (image === undefined) throw imageNotFound(imageId);
  const instanceType = state.instanceTypes.get(typeName);
  if (instanceType === undefined) throw invalidParameterValue(`Invalid value '${typeName}' for InstanceType.`);
  if (instanceType.architecture !== image.architecture) {
    throw invalidParameterValue(
      `The architecture '${instanceType.architecture}' of the specified instance type does not match the architecture ` +
        `'${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );
  }
  const subnet = subnetOf(state, params);
  checkOffered(state, typeName, subnet.zone);
  const specs = tagSpecificationsOf(params, ['instance', 'volume', 'network-interface', 'spot-instances-request']);
  const metadata = params.struct('MetadataOptions');
  const keyName = params.get('KeyName');
  return {
    image,
    instanceType,
    count,
    subnet,
    securityGroupIds: securityGroupsOf(state, params, subnet),
    userData,
    ...(keyName === undefined ? {} : { keyName }),
    httpTokens: oneOf(metadata.get('HttpTokens') ?? 'optional', ['optional', 'required'], 'HttpTokens'),
    httpEndpoint: oneOf(metadata.get('HttpEndpoint') ?? 'enabled', ['enabled', 'disabled'], 'HttpEndpoint'),
    shutdownBehavior: oneOf(params.get('InstanceInitiatedShutdownBehavior') ?? 'stop', ['stop', 'terminate'], 'InstanceInitiatedShutdownBehavior'),
    devices: devicesOf(params, image),
    instanceTags: tagsFor(specs, 'instance'),
    volumeTags: tagsFor(specs, 'volume'),
    networkInterfaceTags: tagsFor(specs, 'network-interface'),
    launch: launchOptionsOf(state, params, specs, state.instanceProfiles),
  };
}

function userDataOf(encoded: string | undefined): Buffer {
  if (encoded === undefined) return Buffer.alloc(0);
  const compact = encoded.replace(/\s/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw invalidParameterValue('Invalid BASE64 encoding of user data.');
  const decoded = Buffer.from(compact, 'base64');
  if (decoded.length > userDataLimit) throw invalidParameterValue(`User data is limited to ${userDataLimit} bytes`);
  return decoded;
}

/** The subnet to launch in: `SubnetId`, else the default subnet of `Placement.AvailabilityZone`, else of the first zone. */
function subnetOf(state: Ec2State, params: QueryParams): SubnetRecord {
  const subnetId = params.get('SubnetId');
  const zone = params.get('Placement.AvailabilityZone');
  if (zone !== undefined && !state.zones.some((candidate) => candidate.name === zone)) throw invalidZone(zone);
  if (subnetId !== undefined) {
    const subnet = state.subnets.find((candidate) => candidate.id === subnetId);
    if (subnet === undefined) throw idsNotFound('InvalidSubnetID.NotFound', 'subnet', [subnetId]);
    if (zone !== undefined && zone !== subnet.zone) {
      throw invalidParameterCombination(`The specified Availability Zone (${zone}) does not match the Availability Zone of subnet ${subnetId} (${subnet.zone}).`);
    }
    return subnet;
  }
  const chosen = zone ?? state.zones.find((candidate) => candidate.type === 'availability-zone')?.name ?? '';
  const subnet = state.subnets.find((candidate) => candidate.zone === chosen && candidate.defaultForAz);
  if (subnet === undefined) throw invalidParameterValue(`No default subnet for availability zone: '${chosen}'.`);
  return subnet;
}

function checkOffered(state: Ec2State, typeName: string, zone: string): void {
  if (state.offerings.get(zone)?.has(typeName) === true) return;
  const offering = state.zones.filter((candidate) => state.offerings.get(candidate.name)?.has(typeName) === true).map((candidate) => candidate.name);
  throw new Ec2Error(
    400,
    'Unsupported',
    `Your requested instance type (${typeName}) is not supported in your requested Availability Zone (${zone}). ` +
      `Please retry your request by not specifying an Availability Zone or choosing ${offering.join(', ')}.`,
  );
}

/** `SecurityGroupId.N` and `SecurityGroup.N` (names), all in the subnet's VPC; default: the VPC's `default` group. */
function securityGroupsOf(state: Ec2State, params: QueryParams, subnet: SubnetRecord): string[] {
  const { vpcId } = subnet;
  const ids = [...params.list('SecurityGroupId'), ...params.list('SecurityGroup').map((name) => groupNamed(state, name).id)];
  for (const id of ids) {
    const group = state.securityGroups.get(id);
    if (group === undefined) throw securityGroupNotFound(id);
    if (group.vpcId !== vpcId) throw new Ec2Error(400, 'InvalidParameter', `Security group ${id} and subnet ${subnet.id} belong to different networks.`);
  }
  if (ids.length > 0) return [...new Set(ids)];
  const fallback = [...state.securityGroups.values()].find((group) => group.vpcId === vpcId && group.name === 'default');
  return fallback === undefined ? [] : [fallback.id];
}

const volumeTypes = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];

/** `BlockDeviceMapping.N`; the image's root device is always there, 8 GiB gp3 unless mapped otherwise. */
function devicesOf(params: QueryParams, image: ImageRecord): DeviceRequest[] {
  const mapped = params.structs('BlockDeviceMapping').flatMap((mapping): DeviceRequest[] => {
    const deviceName = mapping.require('DeviceName');
    const ebs = mapping.struct('Ebs');
    if (mapping.get('NoDevice') !== undefined || mapping.get('VirtualName') !== undefined) return [];
    const root = deviceName === image.rootDeviceName;
    const size = ebs.int('VolumeSize') ?? (root ? image.rootVolumeSize : 8);
    if (root && size < image.rootVolumeSize) {
      throw new Ec2Error(400, 'InvalidBlockDeviceMapping', `Volume of size ${size}GB is smaller than snapshot, expect size >= ${image.rootVolumeSize}GB`);
    }
    const volumeType = oneOf(ebs.get('VolumeType') ?? 'gp3', volumeTypes, 'VolumeType');
    return [{ deviceName, size, volumeType, deleteOnTermination: ebs.bool('DeleteOnTermination') ?? true }];
  });
  if (mapped.some((device) => device.deviceName === image.rootDeviceName)) return mapped;
  return [{ deviceName: image.rootDeviceName, size: image.rootVolumeSize, volumeType: 'gp3', deleteOnTermination: true }, ...mapped];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw invalidParameterValue(`Invalid value '${value}' for ${name}.`);
  return found;
}
