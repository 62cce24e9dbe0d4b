import type { FakeEc2Architecture, FakeEc2InstanceType } from './resources.js';

type Row = readonly [name: string, vcpus: number, memoryMiB: number, architecture: FakeEc2Architecture];

/** Real figures for a spread of current types: burstable, general purpose, compute, memory. */
const rows: readonly Row[] = [
  ['t3.nano', 2, 512, 'x86_64'],
  ['t3.micro', 2, 1024, 'x86_64'],
  ['t3.small', 2, 2048, 'x86_64'],
  ['t3.medium', 2, 4096, 'x86_64'],
  ['t3.large', 2, 8192, 'x86_64'],
  ['t3.xlarge', 4, 16384, 'x86_64'],
  ['t3a.small', 2, 2048, 'x86_64'],
  ['t3a.medium', 2, 4096, 'x86_64'],
  ['t4g.micro', 2, 1024, 'arm64'],
  ['t4g.small', 2, 2048, 'arm64'],
  ['t4g.medium', 2, 4096, 'arm64'],
  ['m5.large', 2, 8192, 'x86_64'],
  ['m5.xlarge', 4, 16384, 'x86_64'],
  ['m6i.large', 2, 8192, 'x86_64'],
  ['m7g.large', 2, 8192, 'arm64'],
  ['c5.large', 2, 4096, 'x86_64'],
  ['c6i.large', 2, 4096, 'x86_64'],
  ['c7g.large', 2, 4096, 'arm64'],
  ['r5.large', 2, 16384, 'x86_64'],
  ['r6i.large', 2, 16384, 'x86_64'],
];

export const defaultInstanceTypes: readonly FakeEc2InstanceType[] = rows.map(([name, vcpus, memoryMiB, architecture]) => ({
  name,
  vcpus,
  memoryMiB,
  architecture,
  ...(name === 't3.micro' ? { freeTierEligible: true } : {}),
}));

export interface InstanceTypeRecord extends Required<FakeEc2InstanceType> {
  readonly manufacturer: 'Intel' | 'AMD' | 'AWS';
  /** Graviton has one thread per core; Intel and AMD types here have two. */
  readonly threadsPerCore: number;
}

export function instanceTypeRecord(type: FakeEc2InstanceType): InstanceTypeRecord {
  const family = type.name.split('.')[0] ?? '';
  const manufacturer = type.architecture === 'arm64' ? 'AWS' : /^[a-z]+\d+a/.test(family) ? 'AMD' : 'Intel';
  return {
    burstable: family.startsWith('t'),
    freeTierEligible: false,
    ...type,
    manufacturer,
    threadsPerCore: type.architecture === 'arm64' || type.vcpus === 1 ? 1 : 2,
  };
}
