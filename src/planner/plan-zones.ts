import type { Problem } from '../errors/index.js';
import { isZoned, type AvailabilityZone, type Constraints, type Environ, type InstanceType, type ZonedEnviron } from '../provider/index.js';

/** The zones the operator asked for, and where: `--zone` (the `zones` parameter) or the constraints' `zones=`. */
export interface AskedZones {
  readonly names: readonly string[];
  readonly from: '--zone' | 'zones=';
}

/** Explicit zones win over the constraints' `zones=`, as a flag wins over config. */
export function askedZones(explicit: readonly string[] | undefined, constraints: Constraints): AskedZones {
  if (explicit !== undefined && explicit.length > 0) return { names: explicit, from: '--zone' };
  return { names: constraints.zones ?? [], from: 'zones=' };
}

/**
 * The provider's zones (undefined when it has none), and a problem for every asked zone
 * that cannot be: any zone on a provider without zones, and names the provider lacks.
 */
export async function knownZones(params: {
  readonly environ: Environ;
  readonly asked: AskedZones;
  readonly signal?: AbortSignal | undefined;
}): Promise<{ zones: readonly AvailabilityZone[] | undefined; problems: Problem[] }> {
  const { environ, asked } = params;
  const words = `${asked.from === '--zone' ? '--zone ' : 'zones='}${asked.names.join(',')}`;
  if (!isZoned(environ)) {
    if (asked.names.length === 0) return { zones: undefined, problems: [] };
    const fix = asked.from === '--zone' ? 'drop --zone' : 'remove zones= from the constraints';
    return { zones: undefined, problems: [problem(`${words}: the ${environ.provider} provider has no availability zones; ${fix}`)] };
  }
  const zones = await environ.availabilityZones(params.signal === undefined ? {} : { signal: params.signal });
  const names = zones.map((zone) => zone.name);
  const unknown = asked.names.filter((zone) => !names.includes(zone));
  if (unknown.length === 0) return { zones, problems: [] };
  const fix = asked.from === '--zone' ? 'fix --zone' : 'fix zones= in the constraints';
  const listed = unknown.map((zone) => `"${zone}"`).join(', ');
  return { zones, problems: [problem(`unknown zone${unknown.length === 1 ? '' : 's'} ${listed}; the zones here are: ${names.join(', ')}; ${fix}`)] };
}

export interface UsableZonesParams {
  readonly environ: ZonedEnviron;
  readonly zones: readonly AvailabilityZone[];
  readonly asked: AskedZones;
  readonly constraints: Constraints;
  /** The chosen instance type: only the zones that offer it can take the machine. */
  readonly type: InstanceType | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The zones machines may start in, in order: the asked zones as asked, else the zones the
 * start implies (`deriveZones`: a pinned subnet), else every zone by name; of those, the
 * ones available now and offering the instance type. None is a problem saying why, zone
 * by zone.
 */
export async function usableZones(params: UsableZonesParams): Promise<{ zones: string[]; problems: Problem[] }> {
  const { asked, type } = params;
  const available = params.zones.filter((zone) => zone.available).map((zone) => zone.name);
  const offered = type?.zones;
  const derived = asked.names.length > 0
    ? []
    : await params.environ.deriveZones({
        // The machine id is a placeholder: which zones a start implies does not depend on it.
        start: { machineId: '0', constraints: params.constraints, instanceType: type?.name, tags: {} },
        ...(params.signal === undefined ? {} : { signal: params.signal }),
      });
  const wanted = asked.names.length > 0 ? asked.names : derived.length > 0 ? derived : params.zones.map((zone) => zone.name).sort();
  const usable = wanted.filter((zone) => available.includes(zone) && (offered === undefined || offered.includes(zone)));
  if (usable.length > 0) return { zones: usable, problems: [] };
  const reasons = wanted.map((zone) =>
    !available.includes(zone) ? `${zone} is not available now` : `${zone} does not offer instance type ${type?.name ?? ''}`,
  );
  const why = reasons.length === 0 ? 'the provider lists no zone' : reasons.join('; ');
  const offeredIn = offered === undefined || type === undefined ? '' : `; instance type ${type.name} is offered in: ${offered.join(', ') || 'no zone'}`;
  const fix = asked.names.length > 0
    ? `choose other zones (${asked.from})${type === undefined ? '' : ' or another instance type'}, or try again later`
    : `${type === undefined ? '' : 'choose another instance type, or '}try again later`;
  return { zones: [], problems: [problem(`no zone can take the machine: ${why}${offeredIn}; ${fix}`)] };
}

function problem(message: string): Problem {
  return { path: '', message };
}
