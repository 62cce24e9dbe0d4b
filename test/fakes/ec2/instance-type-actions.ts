import type { ActionHandler } from './action.js';
import type { InstanceTypeRecord } from './catalogue.js';
import { Ec2Error } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import { pageOf } from './paging.js';
import { filtersOf } from './query-params.js';
import { itemSet, node, text, valueSet } from './xml.js';

const typeFilters: FilterSpec<InstanceTypeRecord> = {
  'instance-type': (type) => [type.name],
  'processor-info.supported-architecture': (type) => [type.architecture],
  'vcpu-info.default-vcpus': (type) => [type.vcpus],
  'memory-info.size-in-mib': (type) => [type.memoryMiB],
  'current-generation': () => [true],
  'burstable-performance-supported': (type) => [type.burstable],
  'free-tier-eligible': (type) => [type.freeTierEligible],
  'bare-metal': () => [false],
  hypervisor: () => ['nitro'],
};

/**
 * DescribeInstanceTypes: by `InstanceType.N` (an unknown name fails the whole call with
 * InvalidInstanceType, as on AWS) and filters, at most 100 a page.
 */
export const describeInstanceTypes: ActionHandler = (state, { params }) => {
  const names = params.list('InstanceType');
  const unknown = names.filter((name) => !state.instanceTypes.has(name));
  if (unknown.length > 0) {
    throw new Ec2Error(400, 'InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
  }
  const named = names.length === 0 ? [...state.instanceTypes.values()] : [...state.instanceTypes.values()].filter((type) => names.includes(type.name));
  const page = pageOf(applyFilters(named, filtersOf(params), typeFilters), params, { min: 5, max: 100 }, 'DescribeInstanceTypes');
  return [itemSet('instanceTypeSet', page.items.map(instanceTypeXml)), text('nextToken', page.nextToken)];
};

function instanceTypeXml(type: InstanceTypeRecord): string[] {
  const arm = type.architecture === 'arm64';
  return [
    text('instanceType', type.name),
    text('currentGeneration', true),
    text('freeTierEligible', type.freeTierEligible),
    valueSet('supportedUsageClasses', ['on-demand', 'spot']),
    valueSet('supportedRootDeviceTypes', ['ebs']),
    valueSet('supportedVirtualizationTypes', ['hvm']),
    text('bareMetal', false),
    text('hypervisor', 'nitro'),
    node('processorInfo', [
      valueSet('supportedArchitectures', [type.architecture]),
      text('sustainedClockSpeedInGhz', arm ? 2.5 : 3.1),
      text('manufacturer', type.manufacturer),
    ]),
    node('vCpuInfo', [
      text('defaultVCpus', type.vcpus),
      text('defaultCores', type.vcpus / type.threadsPerCore),
      text('defaultThreadsPerCore', type.threadsPerCore),
    ]),
    node('memoryInfo', [text('sizeInMiB', type.memoryMiB)]),
    text('instanceStorageSupported', false),
    node('ebsInfo', [text('ebsOptimizedSupport', 'default'), text('encryptionSupport', 'supported'), text('nvmeSupport', 'required')]),
    text('hibernationSupported', !arm),
    text('burstablePerformanceSupported', type.burstable),
    text('dedicatedHostsSupported', !type.burstable),
    text('autoRecoverySupported', true),
    valueSet('supportedBootModes', arm ? ['uefi'] : ['legacy-bios', 'uefi']),
  ];
}
