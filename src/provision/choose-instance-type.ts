import { ConfigError } from '../errors/index.js';
import type { Constraints, InstanceType } from '../provider/index.js';

export interface ChooseInstanceTypeParams {
  readonly catalogue: readonly InstanceType[];
  readonly constraints: Constraints;
}

/**
 * The cheapest instance type that satisfies the constraints: price first (types without
 * a price after priced ones), then fewer cores, less memory, name. `instance-type=`
 * overrides the search but must exist. Fails with `CONFIG_INVALID` naming the constraint
 * no type meets, so the operator can relax it.
 *
 * @example
 * chooseInstanceType({ catalogue, constraints: { cores: 2, memoryMiB: 4096 } }).name // 't3.medium'
 */
export function chooseInstanceType(params: ChooseInstanceTypeParams): InstanceType {
  const { catalogue, constraints } = params;
  if (constraints.instanceType !== undefined) {
    const named = catalogue.find((type) => type.name === constraints.instanceType);
    if (named === undefined) {
      const some = catalogue.slice(0, 8).map((t) => t.name).join(', ');
      throw new ConfigError(`instance type "${constraints.instanceType}" is not offered here; choose one of: ${some}`);
    }
    return named;
  }
  const fitting = catalogue.filter((type) => satisfies(type, constraints));
  const [cheapest] = [...fitting].sort(byCost);
  if (cheapest === undefined) {
    throw new ConfigError(
      `no instance type satisfies the constraints ${describeConstraints(constraints)}; relax them or name an instance-type`,
    );
  }
  return cheapest;
}

function satisfies(type: InstanceType, c: Constraints): boolean {
  if (c.arch !== undefined && type.arch !== c.arch) return false;
  if (c.cores !== undefined && type.cores < c.cores) return false;
  if (c.memoryMiB !== undefined && type.memoryMiB < c.memoryMiB) return false;
  if (c.rootDiskMiB !== undefined && type.maxRootDiskMiB !== undefined && type.maxRootDiskMiB < c.rootDiskMiB) return false;
  if (c.zones !== undefined && c.zones.length > 0 && type.zones !== undefined) {
    if (!c.zones.some((zone) => type.zones?.includes(zone))) return false;
  }
  return true;
}

function byCost(a: InstanceType, b: InstanceType): number {
  const price = (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity);
  if (price !== 0 && !Number.isNaN(price)) return price;
  return a.cores - b.cores || a.memoryMiB - b.memoryMiB || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** `cores=2 mem=4096M`: constraints as the operator writes them. */
export function describeConstraints(c: Constraints): string {
  const parts: string[] = [];
  if (c.arch !== undefined) parts.push(`arch=${c.arch}`);
  if (c.cores !== undefined) parts.push(`cores=${c.cores}`);
  if (c.memoryMiB !== undefined) parts.push(`mem=${c.memoryMiB}M`);
  if (c.rootDiskMiB !== undefined) parts.push(`root-disk=${c.rootDiskMiB}M`);
  if (c.instanceType !== undefined) parts.push(`instance-type=${c.instanceType}`);
  if (c.zones !== undefined && c.zones.length > 0) parts.push(`zones=${c.zones.join(',')}`);
  return parts.length === 0 ? '(none)' : parts.join(' ');
}
