import type { AvailabilityZone, ZonedEnviron } from '../provider/index.js';
import { signalOf } from '../util/optional.js';

/** One available zone and the instances of a group that live in it. */
export interface ZoneAllocation {
  readonly zone: string;
  readonly instances: readonly string[];
}

export interface AvailabilityZoneAllocationsParams {
  readonly environ: ZonedEnviron;
  /** The instances to count; absent or empty means every instance of the environment. */
  readonly group?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * How a group of instances is spread over the environment's *available* zones, least
 * populated first, ties broken by zone name. Instances in unavailable or unknown zones,
 * and instances that no longer exist, are not counted. Empty when no zone is available.
 *
 * @example
 * const [emptiest] = await availabilityZoneAllocations({ environ, signal });
 * // emptiest?.zone is where the next machine should go
 */
export async function availabilityZoneAllocations(params: AvailabilityZoneAllocationsParams): Promise<ZoneAllocation[]> {
  const signal = signalOf(params);
  const { instances, instanceZones } =
    params.group === undefined || params.group.length === 0
      ? await zonesOfAllInstances(params.environ, signal)
      : { instances: params.group, instanceZones: await params.environ.instanceZones({ ids: params.group, ...signal }) };
  const zones = await params.environ.availabilityZones(signal);
  return tallyZones({ zones, instances, instanceZones });
}

/**
 * Every instance with its zone. The listing usually carries zones already; only the
 * instances it left without one cost a further `instanceZones` call.
 */
async function zonesOfAllInstances(
  environ: ZonedEnviron,
  signal: { signal?: AbortSignal },
): Promise<{ instances: string[]; instanceZones: (string | undefined)[] }> {
  const all = await environ.allInstances(signal);
  const instances = all.map((instance) => instance.id);
  const instanceZones = all.map((instance) => instance.zone);
  const unknown = instances.filter((_, index) => instanceZones[index] === undefined);
  if (unknown.length > 0) {
    const found = await environ.instanceZones({ ids: unknown, ...signal });
    const byId = new Map(unknown.map((id, index) => [id, found[index]]));
    instances.forEach((id, index) => {
      instanceZones[index] ??= byId.get(id);
    });
  }
  return { instances, instanceZones };
}

export interface TallyZonesParams {
  readonly zones: readonly AvailabilityZone[];
  readonly instances: readonly string[];
  /** The zone of each instance, by position; `undefined` where unknown. */
  readonly instanceZones: readonly (string | undefined)[];
}

/** The pure part of `availabilityZoneAllocations`: count, filter and order. */
export function tallyZones(params: TallyZonesParams): ZoneAllocation[] {
  const byZone = new Map<string, string[]>();
  for (const zone of params.zones) {
    if (zone.available) byZone.set(zone.name, []);
  }
  params.instances.forEach((id, index) => {
    const zone = params.instanceZones[index];
    if (zone !== undefined) byZone.get(zone)?.push(id);
  });
  return [...byZone]
    .map(([zone, instances]) => ({ zone, instances }))
    .sort(byPopulationThenName);
}

export function byPopulationThenName(a: ZoneAllocation, b: ZoneAllocation): number {
  return a.instances.length - b.instances.length || (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0);
}
