import { ConfigError } from '../errors/index.js';
import { hasInstanceTypes, includeNamed, isZoned, type Constraints, type Environ } from '../provider/index.js';
import { chooseInstanceType } from '../provision/index.js';
import { signalOf } from '../util/optional.js';

export interface PlanPlacementParams {
  readonly environ: Environ;
  readonly constraints: Constraints;
  /** An explicit zone: only it is tried. */
  readonly zone?: string;
  readonly signal?: AbortSignal;
}

export interface Placement {
  /** Zones to try, in order; empty when the provider has no zones. */
  readonly zones: readonly string[];
  readonly instanceType?: string;
}

/**
 * Where the controller may go and on what instance type, decided before anything is
 * created, from read-only calls: unknown zones, unavailable zones and constraints no
 * instance type meets are `CONFIG_INVALID` here, not failures after the claim.
 */
export async function planPlacement(params: PlanPlacementParams): Promise<Placement> {
  const { environ, constraints } = params;
  const signal = signalOf(params);
  let instanceType: string | undefined;
  let typeZones: readonly string[] | undefined;
  if (hasInstanceTypes(environ)) {
    const chosen = chooseInstanceType({ catalogue: await environ.instanceTypes({ ...signal, ...includeNamed(constraints) }), constraints });
    instanceType = chosen.name;
    typeZones = chosen.zones;
  } else if (constraints.instanceType !== undefined) {
    throw new ConfigError(`the ${environ.provider} provider has no instance types; remove "instance-type=${constraints.instanceType}" from the constraints`);
  }
  const typed = instanceType === undefined ? {} : { instanceType };
  if (!isZoned(environ)) {
    if (params.zone !== undefined || (constraints.zones?.length ?? 0) > 0) {
      throw new ConfigError(`the ${environ.provider} provider has no availability zones; remove the zone placement`);
    }
    return { zones: [], ...typed };
  }
  const all = await environ.availabilityZones(signal);
  const names = all.map((z) => z.name);
  const available = all.filter((z) => z.available && (typeZones === undefined || typeZones.includes(z.name))).map((z) => z.name).sort();
  const requested = params.zone !== undefined ? [params.zone] : (constraints.zones ?? []);
  const unknown = requested.filter((zone) => !names.includes(zone));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown zone ${unknown.map((z) => `"${z}"`).join(', ')}; the zones here are: ${names.join(', ')}`);
  }
  const derived = await environ.deriveZones({ start: { machineId: '0', constraints, tags: {}, ...typed }, ...signal });
  const wanted = requested.length > 0 ? requested : derived.length > 0 ? derived : available;
  const zones = wanted.filter((zone) => available.includes(zone));
  if (zones.length === 0) {
    throw new ConfigError(
      `no available zone to start the controller in (asked for: ${wanted.join(', ') || 'any'}; available: ${available.join(', ') || 'none'}); ` +
        'choose another zone or try again later',
    );
  }
  return { zones, ...typed };
}
