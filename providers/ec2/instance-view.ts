import type { Instance as Ec2Instance, InstanceStateName } from '@aws-sdk/client-ec2';
import type { Address, Instance, InstanceStatus } from '../../src/index.js';
import { archOf } from './instance-catalogue.js';

const statusOf: Readonly<Record<InstanceStateName, InstanceStatus>> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  // The contract's `terminated` is "gone or going": shutting-down never comes back.
  'shutting-down': 'terminated',
  terminated: 'terminated',
};

/** An EC2 instance as envboot sees it: status, addresses by scope, zone, hardware, tags. */
export function toInstance(instance: Ec2Instance): Instance {
  const tags = Object.fromEntries((instance.Tags ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])));
  const state = instance.State?.Name;
  const arch = archOf(instance.Architecture === undefined ? [] : [instance.Architecture]);
  const reason = instance.StateReason?.Message;
  return {
    id: instance.InstanceId ?? '',
    status: state === undefined ? 'unknown' : statusOf[state],
    addresses: addressesOf(instance),
    ...(instance.Placement?.AvailabilityZone === undefined ? {} : { zone: instance.Placement.AvailabilityZone }),
    hardware: {
      ...(instance.InstanceType === undefined ? {} : { instanceType: instance.InstanceType }),
      ...(arch === undefined ? {} : { arch }),
      ...(instance.CpuOptions?.CoreCount === undefined ? {} : { cores: instance.CpuOptions.CoreCount * (instance.CpuOptions.ThreadsPerCore ?? 1) }),
      ...(instance.InstanceLifecycle === 'spot' ? { spot: true } : {}),
    },
    tags,
    ...(reason === undefined || state === 'running' || state === 'pending' ? {} : { statusMessage: reason }),
  };
}

function addressesOf(instance: Ec2Instance): Address[] {
  const addresses: Address[] = [];
  if (instance.PublicIpAddress !== undefined) addresses.push({ value: instance.PublicIpAddress, scope: 'public' });
  if (instance.Ipv6Address !== undefined) addresses.push({ value: instance.Ipv6Address, scope: 'public' });
  if (instance.PrivateIpAddress !== undefined) addresses.push({ value: instance.PrivateIpAddress, scope: 'cloud-local' });
  return addresses;
}
