import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

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

export interface InstanceTypesParams {
  /** Type names that must be in the answer if the cloud has them, usual or not. */
  readonly include?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * The instance-type catalogue ability: common code picks the cheapest type that
 * satisfies the constraints from it.
 */
export interface InstanceTypeCatalogue extends Environ {
  /**
   * The types to choose from: every type the region offers, or the provider's usual ones
   * where listing all would be costly, plus those named in `include` when they exist (an
   * operator's `instance-type=`). Read-only; cacheable for a run.
   */
  instanceTypes(params: InstanceTypesParams): Promise<readonly InstanceType[]>;
}

export function hasInstanceTypes(environ: Environ): environ is InstanceTypeCatalogue {
  return implementsAbility(environ, 'instance-types');
}

/** `{ include: [name] }` when the constraints name an instance type, for `instanceTypes`. */
export function includeNamed(constraints: { readonly instanceType?: string }): { include?: readonly string[] } {
  return constraints.instanceType === undefined ? {} : { include: [constraints.instanceType] };
}
