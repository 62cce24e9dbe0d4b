import { ConfigError, type Problem } from '../errors/index.js';
import { formatConstraints, type Constraints, type InstanceType } from '../provider/index.js';
import { readableSize, sizeAtMost, sizeConstraint } from './sizes.js';

export interface ChooseInstanceTypeParams {
  readonly catalogue: readonly InstanceType[];
  /** `zones`, when given, keeps to the types offered in at least one of them. */
  readonly constraints: Constraints;
}

/** The type that fits, or why none does: one problem per constraint nothing meets. */
export type InstanceTypeChoice =
  | { readonly ok: true; readonly type: InstanceType }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * The cheapest instance type that satisfies the constraints: price first (types without
 * a price after priced ones), then fewer cores, less memory, name. `instance-type=`
 * overrides the search but must exist. Fails with `CONFIG_INVALID` naming each
 * constraint no type meets and the most the catalogue has, so the operator can relax it.
 *
 * @example
 * chooseInstanceType({ catalogue, constraints: { cores: 2, memoryMiB: 4096 } }).name // 't3.medium'
 */
export function chooseInstanceType(params: ChooseInstanceTypeParams): InstanceType {
  const choice = instanceTypeChoice(params);
  if (choice.ok) return choice.type;
  throw new ConfigError(`no instance type meets the constraints "${formatConstraints(params.constraints)}":`, { problems: choice.problems });
}

/** `chooseInstanceType` without the throw, for callers that report every problem at once. */
export function instanceTypeChoice(params: ChooseInstanceTypeParams): InstanceTypeChoice {
  const { catalogue, constraints } = params;
  if (constraints.instanceType !== undefined) {
    const named = catalogue.find((type) => type.name === constraints.instanceType);
    if (named !== undefined) return { ok: true, type: named };
    const some = catalogue.slice(0, 8).map((t) => t.name).join(', ');
    return { ok: false, problems: [{ path: '', message: `instance type "${constraints.instanceType}" is not offered here; choose one of: ${some}` }] };
  }
  const [cheapest] = catalogue.filter((type) => satisfies(type, constraints)).sort(byCost);
  if (cheapest !== undefined) return { ok: true, type: cheapest };
  const alone = unmetAlone(catalogue, constraints);
  if (alone.length > 0) return { ok: false, problems: alone };
  const together = `no instance type satisfies the constraints ${formatConstraints(constraints)} together; relax one of them or name an instance-type`;
  return { ok: false, problems: [{ path: '', message: together }] };
}

function satisfies(type: InstanceType, c: Constraints): boolean {
  return checks.every((check) => check.fits(type, c));
}

interface Check {
  readonly fits: (type: InstanceType, c: Constraints) => boolean;
  /** Why no type fits this (set) constraint on its own. */
  readonly unmet: (catalogue: readonly InstanceType[], c: Constraints) => string;
}

const checks: readonly Check[] = [
  {
    fits: (type, c) => c.arch === undefined || type.arch === c.arch,
    unmet: (catalogue, c) => {
      const arches = [...new Set(catalogue.map((type) => type.arch))].sort();
      return `arch=${c.arch ?? ''}: no instance type here is ${c.arch ?? ''}; they are ${arches.join(' or ')}: remove arch= or ask for arch=${arches[0] ?? 'amd64'}`;
    },
  },
  {
    fits: (type, c) => c.cores === undefined || type.cores >= c.cores,
    unmet: (catalogue, c) => {
      const most = largest(catalogue, (type) => type.cores);
      return `cores=${c.cores ?? 0}: the most cores of an instance type here is ${most.value} (${most.name}); ask for cores=${most.value} or fewer, or name a type with instance-type=`;
    },
  },
  {
    fits: (type, c) => c.memoryMiB === undefined || type.memoryMiB >= c.memoryMiB,
    unmet: (catalogue, c) => {
      const most = largest(catalogue, (type) => type.memoryMiB);
      return `${sizeConstraint('mem', c.memoryMiB ?? 0)}: the most memory of an instance type here is ${readableSize(most.value)} (${most.name}); ask for mem=${sizeAtMost(most.value)} or less, or name a type with instance-type=`;
    },
  },
  {
    fits: (type, c) => c.rootDiskMiB === undefined || type.maxRootDiskMiB === undefined || type.maxRootDiskMiB >= c.rootDiskMiB,
    unmet: (catalogue, c) => {
      const most = largest(catalogue, (type) => type.maxRootDiskMiB ?? 0);
      return `${sizeConstraint('root-disk', c.rootDiskMiB ?? 0)}: the largest root disk of an instance type here is ${readableSize(most.value)} (${most.name}); ask for root-disk=${sizeAtMost(most.value)} or less`;
    },
  },
  {
    fits: (type, c) => c.zones === undefined || c.zones.length === 0 || type.zones === undefined || c.zones.some((zone) => type.zones?.includes(zone)),
    unmet: (_catalogue, c) => `zones=${(c.zones ?? []).join(',')}: no instance type here is offered in ${c.zones?.length === 1 ? 'that zone' : 'those zones'}; choose other zones`,
  },
];

/** A problem for each set constraint that no type meets even on its own. */
function unmetAlone(catalogue: readonly InstanceType[], constraints: Constraints): Problem[] {
  if (catalogue.length === 0) return [{ path: '', message: 'the provider offers no instance type here at all; check its region or account' }];
  return checks.flatMap((check) => {
    return catalogue.some((type) => check.fits(type, constraints)) ? [] : [{ path: '', message: check.unmet(catalogue, constraints) }];
  });
}

function largest(catalogue: readonly InstanceType[], figure: (type: InstanceType) => number): { name: string; value: number } {
  let best = { name: '', value: -1 };
  for (const type of catalogue) if (figure(type) > best.value) best = { name: type.name, value: figure(type) };
  return best;
}

function byCost(a: InstanceType, b: InstanceType): number {
  const price = (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity);
  if (price !== 0 && !Number.isNaN(price)) return price;
  return a.cores - b.cores || a.memoryMiB - b.memoryMiB || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
