import type { Environ, StartInstanceParams } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/** One availability zone as the provider reports it. */
export interface AvailabilityZone {
  readonly name: string;
  /** False when the zone exists but cannot take new machines now. */
  readonly available: boolean;
}

/**
 * The zones ability: an Environ whose machines live in availability zones. Common code
 * uses it to spread machines (`availabilityZoneAllocations`, `distributeInstances`, the
 * zone chooser) and to fail over from zone to zone during bootstrap.
 */
export interface ZonedEnviron extends Environ {
  /** Every zone of the region, available or not. Read-only; cacheable for a run. */
  availabilityZones(params: { readonly signal?: AbortSignal }): Promise<readonly AvailabilityZone[]>;

  /**
   * The zone of each given instance, in the order asked; `undefined` for an instance that
   * does not exist or whose zone is unknown. Not an error when some are missing.
   */
  instanceZones(params: {
    readonly ids: readonly string[];
    readonly signal?: AbortSignal;
  }): Promise<readonly (string | undefined)[]>;

  /**
   * The zones that start parameters imply (a subnet or volume pinned to a zone, an
   * explicit zone or placement directive). An empty list means "any zone: the caller chooses".
   */
  deriveZones(params: {
    readonly start: Omit<StartInstanceParams, 'signal' | 'userData'>;
    readonly signal?: AbortSignal;
  }): Promise<readonly string[]>;
}

/** True when the Environ has availability zones. */
export function isZoned(environ: Environ): environ is ZonedEnviron {
  return implementsAbility(environ, 'zones');
}
