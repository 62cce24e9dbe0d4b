import type { InstanceTypeRecord } from './catalogue.js';
import type { ImageRecord } from './images.js';
import type { LaunchOptions } from './launch-options.js';
import { nextPrivateIp, nextPublicIp } from './network.js';
import type { FakeEc2InstanceState, Tags } from './resources.js';
import type { Ec2State, InstanceRecord, SubnetRecord, VolumeRecord } from './state.js';

/** One EBS volume to create and attach at launch. */
export interface DeviceRequest {
  readonly deviceName: string;
  readonly size: number;
  readonly volumeType: string;
  readonly deleteOnTermination: boolean;
}

/** Everything needed to create one instance record, however it came to exist. */
export interface InstanceSpec {
  readonly reservationId: string;
  readonly image: ImageRecord;
  readonly instanceType: InstanceTypeRecord;
  readonly subnet: SubnetRecord;
  readonly securityGroupIds: readonly string[];
  readonly userData: Buffer;
  readonly keyName?: string;
  readonly httpTokens: 'optional' | 'required';
  readonly httpEndpoint: 'enabled' | 'disabled';
  readonly shutdownBehavior: 'stop' | 'terminate';
  readonly clientToken?: string;
  readonly amiLaunchIndex: number;
  readonly devices: readonly DeviceRequest[];
  readonly instanceTags: Tags;
  readonly volumeTags: Tags;
  readonly state: FakeEc2InstanceState;
  readonly launchTime: Date;
  readonly launch?: LaunchOptions;
}

/**
 * Creates the instance with addresses from its subnet (and a public one when the subnet
 * maps them) and its volumes, attached, in the instance's zone.
 */
export function createInstance(state: Ec2State, spec: InstanceSpec): InstanceRecord {
  const id = state.newId('i');
  const launchTime = wholeSeconds(spec.launchTime);
  const blockDevices = spec.devices.map((device) => {
    const volume = createVolume(state, {
      size: device.size,
      volumeType: device.volumeType,
      zone: spec.subnet.zone,
      tags: spec.volumeTags,
      createTime: launchTime,
      attachment: { instanceId: id, device: device.deviceName, deleteOnTermination: device.deleteOnTermination, attachTime: launchTime },
    });
    return { deviceName: device.deviceName, volumeId: volume.id, deleteOnTermination: device.deleteOnTermination };
  });
  const instance: InstanceRecord = {
    id,
    reservationId: spec.reservationId,
    imageId: spec.image.id,
    instanceType: spec.instanceType.name,
    architecture: spec.instanceType.architecture,
    zone: spec.subnet.zone,
    subnetId: spec.subnet.id,
    vpcId: spec.subnet.vpcId,
    privateIp: nextPrivateIp(spec.subnet),
    ...(spec.subnet.mapPublicIpOnLaunch ? { publicIp: nextPublicIp(state) } : {}),
    state: spec.state,
    pollsLeft: spec.state === 'pending' ? state.lifecycle.pendingPolls : spec.state === 'shutting-down' ? state.lifecycle.terminatingPolls : 0,
    stateTransitionReason: '',
    launchTime,
    tags: spec.instanceTags,
    securityGroupIds: spec.securityGroupIds,
    userData: spec.userData,
    ...(spec.keyName === undefined ? {} : { keyName: spec.keyName }),
    httpTokens: spec.httpTokens,
    httpEndpoint: spec.httpEndpoint,
    shutdownBehavior: spec.shutdownBehavior,
    ...(spec.clientToken === undefined ? {} : { clientToken: spec.clientToken }),
    amiLaunchIndex: spec.amiLaunchIndex,
    blockDevices,
    ...(spec.launch === undefined ? {} : { launch: spec.launch }),
  };
  state.instances.set(id, instance);
  return instance;
}

export function createVolume(state: Ec2State, fields: Omit<VolumeRecord, 'id' | 'state'>): VolumeRecord {
  const volume: VolumeRecord = { id: state.newId('vol'), ...fields, state: fields.attachment === undefined ? 'available' : 'in-use' };
  state.volumes.set(volume.id, volume);
  return volume;
}

/** EC2 reports launch and attach times to the second. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
