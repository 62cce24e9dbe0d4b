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
  readonly group?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Instances and, by position, their zones (`undefined` where unknown). */
export interface PlacedInstances {
  readonly instances: readonly string[];
  readonly instanceZones: readonly (string | undefined)[];
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
  const placed = await instancesWithZones(params);
  const zones = await params.environ.availabilityZones(signalOf(params));
  return tallyZones({ zones, ...placed });
}

/** The group's instances (every instance when absent or empty) with their zones: the instance half of an allocation. */
export async function instancesWithZones(params: AvailabilityZoneAllocationsParams): Promise<PlacedInstances> {
  const signal = signalOf(params);
  if (params.group === undefined || params.group.length === 0) return zonesOfAllInstances(params.environ, signal);
  return { instances: params.group, instanceZones: await params.environ.instanceZones({ ids: params.group, ...signal }) };
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

export interface TallyZonesParams extends PlacedInstances {
  readonly zones: readonly AvailabilityZone[];
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
