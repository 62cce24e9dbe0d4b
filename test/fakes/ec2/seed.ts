import { createInstance, createVolume } from './instances.js';
import { moveTo } from './lifecycle.js';
import { defaultVpc } from './network.js';
import type { FakeEc2InstanceState, Tags } from './resources.js';
import { addGroup } from './security-group-actions.js';
import type { Ec2State, InstanceRecord, SecurityGroupRecord, VolumeRecord } from './state.js';

/**
 * Resources that exist before the test starts, such as leftovers of an earlier run for
 * cleanup code to find. Seeding never runs the lifecycle hooks.
 */

export interface AddFakeEc2InstanceParams {
  /** The instance's tags, which its root volume carries too. */
  readonly tags?: Tags;
  /** Default `running`. */
  readonly state?: FakeEc2InstanceState;
  /** Default: the first zone; the instance is in that zone's default subnet. */
  readonly zone?: string;
  readonly launchTime?: Date;
  /** Default: the first image. */
  readonly imageId?: string;
  /** Default: the first catalogue type of the image's architecture. */
  readonly instanceType?: string;
  /** Default: the VPC's `default` group. */
  readonly securityGroupIds?: readonly string[];
  readonly userData?: Buffer;
}

export function addInstance(state: Ec2State, params: AddFakeEc2InstanceParams): InstanceRecord {
  const zone = params.zone ?? state.zones[0]?.name;
  const subnet = state.subnets.find((candidate) => candidate.zone === zone && candidate.defaultForAz);
  const image = params.imageId === undefined ? state.images[0] : state.images.find((candidate) => candidate.id === params.imageId);
  if (subnet === undefined || image === undefined) throw new Error(`the fake EC2 has no default subnet in ${String(zone)} or no image ${String(params.imageId)}`);
  const instanceType = [...state.instanceTypes.values()].find((type) =>
    params.instanceType === undefined ? type.architecture === image.architecture : type.name === params.instanceType,
  );
  if (instanceType === undefined) throw new Error(`the fake EC2's catalogue has no ${params.instanceType ?? image.architecture} type`);
  const defaultGroup = [...state.securityGroups.values()].find((group) => group.vpcId === subnet.vpcId && group.name === 'default');
  const finalState = params.state ?? 'running';
  const instance = createInstance(state, {
    reservationId: state.newId('r'),
    image,
    instanceType,
    subnet,
    securityGroupIds: params.securityGroupIds ?? (defaultGroup === undefined ? [] : [defaultGroup.id]),
    userData: params.userData ?? Buffer.alloc(0),
    httpTokens: 'required',
    httpEndpoint: 'enabled',
    shutdownBehavior: 'stop',
    amiLaunchIndex: 0,
    devices: [{ deviceName: image.rootDeviceName, size: image.rootVolumeSize, volumeType: 'gp3', deleteOnTermination: true }],
    instanceTags: params.tags ?? {},
    volumeTags: params.tags ?? {},
    state: finalState === 'terminated' ? 'running' : finalState,
    launchTime: params.launchTime ?? state.now(),
  });
  // Reaching `terminated` the normal way deletes its volumes and records why it ended.
  if (finalState === 'terminated') {
    instance.state = 'shutting-down';
    moveTo(state, instance, 'terminated');
  }
  return instance;
}

export interface AddFakeEc2SecurityGroupParams {
  readonly name: string;
  readonly description?: string;
  /** Default: the default VPC. */
  readonly vpcId?: string;
  readonly tags?: Tags;
}

export function addSecurityGroup(state: Ec2State, params: AddFakeEc2SecurityGroupParams): SecurityGroupRecord {
  return addGroup(state, {
    name: params.name,
    description: params.description ?? params.name,
    vpcId: params.vpcId ?? defaultVpc(state).id,
    tags: params.tags ?? {},
  });
}

export interface AddFakeEc2VolumeParams {
  /** GiB; default 8. */
  readonly size?: number;
  readonly volumeType?: string;
  /** Default: the first zone, or the instance's when attached. */
  readonly zone?: string;
  readonly tags?: Tags;
  /** Attach to this instance, as a data volume the instance does not delete on termination. */
  readonly attachedTo?: string;
  readonly device?: string;
  readonly createTime?: Date;
}

export function addVolume(state: Ec2State, params: AddFakeEc2VolumeParams): VolumeRecord {
  const instance = params.attachedTo === undefined ? undefined : state.instances.get(params.attachedTo);
  if (params.attachedTo !== undefined && instance === undefined) throw new Error(`the fake EC2 has no instance ${params.attachedTo}`);
  const createTime = params.createTime ?? state.now();
  const device = params.device ?? '/dev/sdf';
  const volume = createVolume(state, {
    size: params.size ?? 8,
    volumeType: params.volumeType ?? 'gp3',
    zone: instance?.zone ?? params.zone ?? state.zones[0]?.name ?? state.region,
    tags: params.tags ?? {},
    createTime,
    ...(instance === undefined ? {} : { attachment: { instanceId: instance.id, device, deleteOnTermination: false, attachTime: createTime } }),
  });
  if (instance !== undefined) instance.blockDevices = [...instance.blockDevices, { deviceName: device, volumeId: volume.id, deleteOnTermination: false }];
  return volume;
}
