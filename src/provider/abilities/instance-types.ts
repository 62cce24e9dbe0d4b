import type { Environ } from '../environ.js';

/** One instance type of a provider's catalogue. Sizes in MiB. */
export interface InstanceType {
  readonly name: string;
  readonly arch: string;
  readonly cores: number;
  readonly memoryMiB: number;
  /** Largest root disk the type allows, when limited. */
  readonly maxRootDiskMiB?: number;
  /** On-demand price per hour in US dollars, where the provider knows it. */
  readonly pricePerHour?: number;
  /** Zones that offer the type; absent means every zone. */
  readonly zones?: readonly string[];
}

/**
 * The instance-type catalogue ability: common code picks the cheapest type that
 * satisfies the constraints from it.
 */
export interface InstanceTypeCatalogue extends Environ {
  /** Every type the region offers. Read-only; cacheable for a run. */
  instanceTypes(params: { readonly signal?: AbortSignal }): Promise<readonly InstanceType[]>;
}

export function hasInstanceTypes(environ: Environ): environ is InstanceTypeCatalogue {
  return typeof (environ as Partial<InstanceTypeCatalogue>).instanceTypes === 'function';
}
