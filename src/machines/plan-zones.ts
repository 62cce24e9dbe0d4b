import { ConfigError } from '../errors/index.js';
import { isZoned, type Environ } from '../provider/index.js';
import { zonesFromChooser, zonesInOrder, type ZonePicker } from '../provision/index.js';
import { signalOf } from '../util/optional.js';
import { availabilityZoneAllocations, ZoneChooser } from '../zones/index.js';

export interface MachineZonePlan {
  /** A fresh picker for each new machine of the batch; all share one chooser. */
  readonly pickerFor: (instanceType: string | undefined) => ZonePicker;
}

/**
 * Reads the current allocation once and returns pickers that place each machine in the
 * least populated allowed zone, counting the batch's own placements and remembering
 * zones that just failed. `allowed` limits the zones (all available ones when empty);
 * unknown names are `CONFIG_INVALID`.
 */
export async function planMachineZones(params: {
  readonly environ: Environ;
  readonly allowed: readonly string[];
  readonly signal?: AbortSignal;
}): Promise<MachineZonePlan> {
  const { environ } = params;
  if (!isZoned(environ)) {
    if (params.allowed.length > 0) {
      throw new ConfigError(`the ${environ.provider} provider has no availability zones; remove the zone placement`);
    }
    return { pickerFor: () => zonesInOrder([]) };
  }
  const zones = await environ.availabilityZones(signalOf(params));
  const unknown = params.allowed.filter((zone) => !zones.some((z) => z.name === zone));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown zone ${unknown.map((z) => `"${z}"`).join(', ')}; the zones here are: ${zones.map((z) => z.name).join(', ')}`,
    );
  }
  const allocations = await availabilityZoneAllocations({ environ, ...signalOf(params) });
  const available = allocations.map((a) => a.zone);
  const allowed = params.allowed.length > 0 ? params.allowed.filter((zone) => available.includes(zone)) : available;
  if (allowed.length === 0) {
    throw new ConfigError(`none of the zones ${params.allowed.join(', ')} is available now; choose others or try again later`);
  }
  const chooser = new ZoneChooser({ allocations });
  return {
    pickerFor: (instanceType) => zonesFromChooser({ chooser, allowed, ...(instanceType === undefined ? {} : { instanceType }) }),
  };
}
