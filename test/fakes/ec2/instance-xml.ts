import { stateCodes } from './resources.js';
import type { Ec2State, InstanceRecord } from './state.js';
import { launchOptionsXml } from './launch-options.js';
import { itemSet, node, tagSet, text } from './xml.js';

/**
 * A reservation as RunInstances answers it and DescribeInstances lists it. In a VPC the
 * reservation's own `groupSet` is empty; each instance carries its groups.
 */
export function reservationXml(state: Ec2State, reservationId: string, instances: readonly InstanceRecord[]): string[] {
  return [
    text('reservationId', reservationId),
    text('ownerId', state.accountId),
    itemSet('groupSet', []),
    itemSet('instancesSet', instances.map((instance) => instanceXml(state, instance))),
  ];
}

/** Reservations in order of first appearance, each with its instances from `instances`. */
export function reservationsXml(state: Ec2State, instances: readonly InstanceRecord[]): string {
  const byReservation = new Map<string, InstanceRecord[]>();
  for (const instance of instances) byReservation.set(instance.reservationId, [...(byReservation.get(instance.reservationId) ?? []), instance]);
  return itemSet('reservationSet', [...byReservation].map(([id, members]) => reservationXml(state, id, members)));
}

export function instanceStateXml(name: string, instance: InstanceRecord): string {
  return node(name, [text('code', stateCodes[instance.state]), text('name', instance.state)]);
}

/**
 * One instance in EC2's shape. A terminated instance, as on AWS, keeps its id, type, zone
 * and tags but has no addresses or volumes any more, and says why it stopped.
 */
function instanceXml(state: Ec2State, instance: InstanceRecord): string[] {
  const ended = instance.state === 'terminated';
  const groups = instance.securityGroupIds.map((id) => [text('groupId', id), text('groupName', state.securityGroups.get(id)?.name)]);
  const east = state.region === 'us-east-1';
  const privateDns = `ip-${instance.privateIp.replaceAll('.', '-')}.${east ? 'ec2.internal' : `${state.region}.compute.internal`}`;
  const publicSuffix = east ? 'compute-1.amazonaws.com' : `${state.region}.compute.amazonaws.com`;
  return [
    text('instanceId', instance.id),
    text('imageId', instance.imageId),
    instanceStateXml('instanceState', instance),
    text('privateDnsName', ended ? '' : privateDns),
    text('dnsName', ended || instance.publicIp === undefined ? '' : `ec2-${instance.publicIp.replaceAll('.', '-')}.${publicSuffix}`),
    text('reason', instance.stateTransitionReason),
    text('keyName', instance.keyName),
    text('amiLaunchIndex', instance.amiLaunchIndex),
    itemSet('productCodes', []),
    text('instanceType', instance.instanceType),
    text('launchTime', instance.launchTime),
    node('placement', [text('availabilityZone', instance.zone), text('groupName', ''), text('tenancy', 'default')]),
    node('monitoring', [text('state', 'disabled')]),
    text('subnetId', ended ? undefined : instance.subnetId),
    text('vpcId', ended ? undefined : instance.vpcId),
    text('privateIpAddress', ended ? undefined : instance.privateIp),
    text('ipAddress', ended ? undefined : instance.publicIp),
    text('sourceDestCheck', ended ? undefined : true),
    itemSet('groupSet', groups),
    instance.stateReason === undefined ? '' : node('stateReason', [text('code', instance.stateReason.code), text('message', instance.stateReason.message)]),
    text('architecture', instance.architecture),
    text('rootDeviceType', 'ebs'),
    text('rootDeviceName', instance.blockDevices[0]?.deviceName ?? '/dev/sda1'),
    itemSet('blockDeviceMapping', ended ? [] : instance.blockDevices.map((device) => blockDeviceXml(state, device))),
    text('virtualizationType', 'hvm'),
    text('clientToken', instance.clientToken),
    tagSet(instance.tags),
    ...launchOptionsXml(instance.launch),
    text('hypervisor', 'xen'),
    itemSet('networkInterfaceSet', []),
    text('ebsOptimized', false),
    text('enaSupport', true),
    node('metadataOptions', [
      text('state', 'applied'),
      text('httpTokens', instance.httpTokens),
      text('httpPutResponseHopLimit', 2),
      text('httpEndpoint', instance.httpEndpoint),
    ]),
    text('bootMode', instance.architecture === 'arm64' ? 'uefi' : 'legacy-bios'),
  ];
}

function blockDeviceXml(state: Ec2State, device: InstanceRecord['blockDevices'][number]): string[] {
  const attachTime = state.volumes.get(device.volumeId)?.attachment?.attachTime;
  return [
    text('deviceName', device.deviceName),
    node('ebs', [
      text('volumeId', device.volumeId),
      text('status', 'attached'),
      text('attachTime', attachTime),
      text('deleteOnTermination', device.deleteOnTermination),
    ]),
  ];
}
