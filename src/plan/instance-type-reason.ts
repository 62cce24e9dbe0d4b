import { instanceTypeChoice } from '../planner/index.js';
import {
  formatConstraintDefault,
  formatConstraints,
  hasInstanceTypes,
  includeNamed,
  type ConstraintDefault,
  type Constraints,
  type Environ,
  type InstanceType,
} from '../provider/index.js';
import { signalOf } from '../util/optional.js';
import type { PlannedInstanceType } from './plan-types.js';

/** How many of the next cheapest types that would also do a plan names. */
const alternativesShown = 2;

/**
 * The type `planMachines` chose, with its price and why: looked up in the same catalogue
 * (cacheable for a run, so no new call on a provider that caches it), and the next cheapest
 * types the chooser would have taken without it, found by asking the chooser again.
 */
export async function describeInstanceType(params: {
  readonly environ: Environ;
  readonly name: string | undefined;
  /** The constraints the machines start with, the provider's defaults included. */
  readonly constraints: Constraints;
  /** The provider's defaults among them, named as such in the reason. */
  readonly defaults?: readonly ConstraintDefault[] | undefined;
  /** The zones asked for (`--zone`, else `zones=`): the chooser keeps to types offered there. */
  readonly askedZones: readonly string[];
  readonly signal?: AbortSignal | undefined;
}): Promise<PlannedInstanceType | undefined> {
  const { environ, name, constraints } = params;
  if (name === undefined || !hasInstanceTypes(environ)) return undefined;
  const catalogue = await environ.instanceTypes({ ...signalOf(params), ...includeNamed(constraints) });
  const chosen = catalogue.find((type) => type.name === name);
  if (chosen === undefined) return undefined;
  const named = constraints.instanceType !== undefined;
  return {
    name: chosen.name,
    arch: chosen.arch,
    cores: chosen.cores,
    memoryMiB: chosen.memoryMiB,
    ...(chosen.pricePerHour === undefined ? {} : { pricePerHour: chosen.pricePerHour }),
    reason: named ? `named by instance-type=${chosen.name}` : reasonFor(chosen, constraints, params.defaults ?? []),
    alternatives: named ? [] : nextCheapest({ catalogue, chosen, constraints: { ...constraints, zones: params.askedZones } }),
  };
}

function reasonFor(chosen: InstanceType, constraints: Constraints, defaults: readonly ConstraintDefault[]): string {
  // Zones say where, not what: they are not among the reasons for a type.
  const hardware = (['arch', 'cores', 'memoryMiB', 'rootDiskMiB'] as const)
    .flatMap((field) => {
      const value = constraints[field];
      const defaulted = defaults.find((d) => d.field === field);
      if (value === undefined) return [];
      return [defaulted === undefined ? formatConstraints({ [field]: value }) : formatConstraintDefault(defaulted)];
    })
    .join(' ');
  const cheapest = chosen.pricePerHour === undefined ? 'the smallest (no price is known for it)' : 'the cheapest';
  return hardware === '' ? `${cheapest} type offered (no hardware constraints)` : `${cheapest} type that meets ${hardware}`;
}

function nextCheapest(params: { catalogue: readonly InstanceType[]; chosen: InstanceType; constraints: Constraints }): { name: string; pricePerHour?: number }[] {
  const taken = new Set([params.chosen.name]);
  const found: { name: string; pricePerHour?: number }[] = [];
  while (found.length < alternativesShown) {
    const choice = instanceTypeChoice({ catalogue: params.catalogue.filter((type) => !taken.has(type.name)), constraints: params.constraints });
    if (!choice.ok) break;
    taken.add(choice.type.name);
    found.push({ name: choice.type.name, ...(choice.type.pricePerHour === undefined ? {} : { pricePerHour: choice.type.pricePerHour }) });
  }
  return found;
}
