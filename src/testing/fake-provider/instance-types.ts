import { ConfigError } from '../../errors/index.js';
import type { Hardware, InstanceType } from '../../provider/index.js';

/** The fake cloud's catalogue: three amd64 types, each four times the last, in every zone. */
export const fakeInstanceTypes: readonly InstanceType[] = [
  { name: 'small', arch: 'amd64', cores: 1, memoryMiB: 1_024, pricePerHour: 0.01 },
  { name: 'medium', arch: 'amd64', cores: 2, memoryMiB: 4_096, pricePerHour: 0.04 },
  { name: 'large', arch: 'amd64', cores: 4, memoryMiB: 16_384, pricePerHour: 0.16 },
];

/**
 * The hardware of a machine of type `name`; undefined when no type was chosen. An unknown
 * name is `CONFIG_INVALID`, as a cloud rejects it, naming the types that exist.
 */
export function hardwareOfType(name: string | undefined): Hardware | undefined {
  if (name === undefined) return undefined;
  const type = fakeInstanceTypes.find((candidate) => candidate.name === name);
  if (type === undefined) {
    const known = fakeInstanceTypes.map((candidate) => candidate.name).join(', ');
    throw new ConfigError(`the fake cloud has no instance type "${name}"; choose one of: ${known}`);
  }
  return { arch: type.arch, cores: type.cores, memoryMiB: type.memoryMiB, instanceType: type.name };
}
