import { CapacityError, ConfigError } from '../../errors/index.js';
import type { Hardware, InstanceType } from '../../provider/index.js';

/**
 * The fake cloud's default catalogue: three amd64 types, each four times the last, in
 * every zone, with root disks of up to 1 TiB (a cloud's volume limit).
 */
export const fakeInstanceTypes: readonly InstanceType[] = [
  { name: 'small', arch: 'amd64', cores: 1, memoryMiB: 1_024, maxRootDiskMiB: 1_048_576, pricePerHour: 0.01 },
  { name: 'medium', arch: 'amd64', cores: 2, memoryMiB: 4_096, maxRootDiskMiB: 1_048_576, pricePerHour: 0.04 },
  { name: 'large', arch: 'amd64', cores: 4, memoryMiB: 16_384, maxRootDiskMiB: 1_048_576, pricePerHour: 0.16 },
];

/**
 * The hardware of a machine of type `name` started in `zone`; undefined when no type was
 * chosen. As a cloud answers: an unknown name is `CONFIG_INVALID` naming the types that
 * exist; a type the zone does not offer is `CAPACITY_UNAVAILABLE` for that type there
 * (EC2's `Unsupported`), so common code may try another zone.
 */
export function hardwareOfType(params: { readonly catalogue: readonly InstanceType[]; readonly name: string | undefined; readonly zone: string | undefined }): Hardware | undefined {
  const { catalogue, name, zone } = params;
  if (name === undefined) return undefined;
  const type = catalogue.find((candidate) => candidate.name === name);
  if (type === undefined) {
    const known = catalogue.map((candidate) => candidate.name).join(', ');
    throw new ConfigError(`the fake cloud has no instance type "${name}"; choose one of: ${known}`);
  }
  if (zone !== undefined && type.zones !== undefined && !type.zones.includes(zone)) {
    throw new CapacityError(`the fake cloud does not offer ${name} in ${zone} (only in ${type.zones.join(', ')})`, { scope: { kind: 'instance-type', instanceType: name }, zone });
  }
  return { arch: type.arch, cores: type.cores, memoryMiB: type.memoryMiB, instanceType: type.name };
}
