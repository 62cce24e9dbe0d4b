import type { Problem } from '../errors/index.js';
import {
  applyConstraintDefaults,
  hasConstraintDefaults,
  hasHardwareLimits,
  hasInstanceTypes,
  includeNamed,
  isZoned,
  type AvailabilityZone,
  type ConstraintDefault,
  type Constraints,
  type Environ,
  type InstanceType,
} from '../provider/index.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { signalOf } from '../util/optional.js';
import { instancesWithZones, tallyZones } from './allocations.js';
import { asksForHardware, checkHardware, hardwareWords, noInstanceTypes, unmetConstraintsError } from './check-hardware.js';
import { instanceTypeChoice } from './choose-instance-type.js';
import { askedZones, knownZones, usableZones } from './plan-zones.js';
import { ZoneChooser } from './zone-chooser.js';
import { zonesFromChooser, zonesInOrder, type ZonePicker } from './zone-picker.js';

export interface PlanMachinesParams {
  readonly environ: Environ;
  readonly constraints: Constraints;
  /** Explicit zones (`--zone`): only these, in this order; they take the place of the constraints' `zones`. */
  readonly zones?: readonly string[] | undefined;
  /** The machines' placement directives (the manual provider's hosts), whose hardware is checked too. */
  readonly placements?: readonly string[] | undefined;
  /**
   * How each machine picks its zone: `fail-over` tries the zones in order, each once
   * (bootstrap); `spread` takes the least populated allowed zone, counting the batch and
   * skipping zones that just failed (add-machine).
   */
  readonly zoneOrder: 'fail-over' | 'spread';
  /** The machines are the controller (bootstrap): the provider's controller defaults apply. */
  readonly controller?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Where and as what one machine starts: handed down unchanged to every start attempt. */
export interface MachineStart {
  readonly constraints: Constraints;
  readonly instanceType?: string | undefined;
  /** The provider's placement directive for this machine (the manual provider's host). */
  readonly placement?: string | undefined;
  /** The zones to try, one after another; asked afresh after each failed start. */
  readonly zones: ZonePicker;
}

/** The planner's decision for a batch of machines (one for bootstrap). */
export interface MachinePlan {
  /** The constraints the machines start with: the operator's, and the provider's defaults for what they leave unset. */
  readonly constraints: Constraints;
  /** The provider's defaults that were applied (`arch=amd64 (default)`), for plans and status. */
  readonly defaults: readonly ConstraintDefault[];
  /** The instance type, from the provider's catalogue; absent without one. */
  readonly instanceType?: string;
  /** The zones machines may start in, in fail-over order; empty when the provider has no zones. */
  readonly zones: readonly string[];
  /** Constraints that could not be checked before the start, for the operator. */
  readonly warnings: readonly string[];
  /** How the next machine starts (at `placement`, for a provider that takes one); each gets its own zone picker. */
  machine(placement?: string): MachineStart;
}

/**
 * Where and as what machines start, for bootstrap and add-machine alike, decided before
 * anything is created, from read-only calls: the instance type (the cheapest that fits,
 * from the catalogue), the constraints checked against what the provider can give (its
 * catalogue, or its hardware limits, or else a warning that they are not checked), and the
 * zones (the asked ones; known, available now and offering the type). Every problem found
 * is in one `CONFIG_INVALID` naming the constraint, what the provider has and what to do.
 *
 * @example
 * const plan = await planMachines({ environ, constraints, zones: ['us-east-1b'], zoneOrder: 'fail-over', signal });
 * await provisionMachine({ environ, machineId: '0', start: plan.machine(), … });
 */
export async function planMachines(params: PlanMachinesParams): Promise<MachinePlan> {
  const { environ } = params;
  const asked = askedZones(params.zones, params.constraints);
  const known = await knownZones({ environ, asked, signal: params.signal });
  const problems: Problem[] = [...known.problems];
  const { constraints, applied } = await withDefaults({ ...params, problems });
  const warnings: string[] = [];
  // Unknown zones are reported once, above; the type search keeps to the known ones.
  const knownNames = asked.names.filter((zone) => known.zones?.some((z) => z.name === zone) === true);
  const type = await chooseType({ environ, constraints: { ...constraints, zones: knownNames }, problems, signal: params.signal });
  if (!hasInstanceTypes(environ)) {
    const checked = await checkLimits({ ...params, constraints });
    problems.push(...checked.problems);
    warnings.push(...checked.warnings);
  }
  let zones: string[] = [];
  if (isZoned(environ) && known.zones !== undefined && problems.length === 0) {
    const usable = await usableZones({ environ, zones: known.zones, asked, constraints, type, signal: params.signal });
    problems.push(...usable.problems);
    zones = usable.zones;
  }
  if (problems.length > 0) {
    const zonesAsked = asked.from === '--zone' ? asked.names : undefined;
    throw unmetConstraintsError({ provider: environ.provider, constraints: params.constraints, defaults: applied, zones: zonesAsked, problems });
  }
  const instanceType = type?.name;
  const pickers = await zonePickers({ ...params, zones, instanceType, all: known.zones });
  return {
    constraints,
    defaults: applied,
    zones,
    warnings,
    ...(instanceType === undefined ? {} : { instanceType }),
    machine: (placement) => ({ constraints, instanceType, placement, zones: pickers() }),
  };
}

/** The operator's constraints with the provider's defaults (constraint-defaults ability); its problems join the planner's. */
async function withDefaults(params: PlanMachinesParams & { readonly problems: Problem[] }): Promise<{ constraints: Constraints; applied: readonly ConstraintDefault[] }> {
  const { environ, constraints } = params;
  if (!hasConstraintDefaults(environ)) return { constraints, applied: [] };
  const stated = await environ.constraintDefaults({ controller: params.controller === true, constraints, signal: params.signal });
  params.problems.push(...stated.problems);
  return applyConstraintDefaults(constraints, stated.defaults);
}

async function chooseType(params: {
  readonly environ: Environ;
  readonly constraints: Constraints;
  readonly problems: Problem[];
  readonly signal: AbortSignal | undefined;
}): Promise<InstanceType | undefined> {
  const { environ, constraints } = params;
  if (!hasInstanceTypes(environ)) return undefined;
  const catalogue = await environ.instanceTypes({ ...signalOf(params), ...includeNamed(constraints) });
  const choice = instanceTypeChoice({ catalogue, constraints });
  if (choice.ok) return choice.type;
  params.problems.push(...choice.problems);
  return undefined;
}

/**
 * The hardware constraints against the provider's limits, per placement (each manual
 * host has its own): problems for what no machine can have, warnings for what
 * cannot be checked. Without a catalogue, `instance-type=` is a problem too.
 */
async function checkLimits(params: PlanMachinesParams): Promise<{ problems: Problem[]; warnings: string[] }> {
  const { environ, constraints } = params;
  const provider = environ.provider;
  if (!asksForHardware(constraints) || !hasHardwareLimits(environ)) {
    const problems = constraints.instanceType === undefined ? [] : [noInstanceTypes(provider, constraints.instanceType)];
    if (!asksForHardware(constraints)) return { problems, warnings: [] };
    const warning = `the ${provider} provider does not say what hardware its machines can have: ${hardwareWords(constraints)} is not checked before a machine starts`;
    return { problems, warnings: [warning] };
  }
  const placements = [...new Set(params.placements ?? [])];
  const checks = await mapConcurrent(placements.length === 0 ? [undefined] : placements, 10, async (placement) =>
    checkHardware({ provider, constraints, limits: await environ.hardwareLimits({ placement, signal: params.signal }) }),
  );
  const problems: Problem[] = [];
  const warnings: string[] = [];
  for (const settled of checks) {
    if (settled.status === 'rejected') throw settled.reason;
    for (const found of settled.value.problems) if (!problems.some((p) => p.message === found.message)) problems.push(found);
    for (const warning of settled.value.unchecked) if (!warnings.includes(warning)) warnings.push(warning);
  }
  return { problems, warnings };
}

/** A maker of zone pickers: each machine gets its own; under `spread` they share one chooser over the current allocation. */
async function zonePickers(params: PlanMachinesParams & {
  readonly zones: readonly string[];
  readonly instanceType: string | undefined;
  readonly all: readonly AvailabilityZone[] | undefined;
}): Promise<() => ZonePicker> {
  const { environ, zones } = params;
  if (params.zoneOrder === 'fail-over' || !isZoned(environ) || params.all === undefined) return () => zonesInOrder(zones);
  const placed = await instancesWithZones({ environ, signal: params.signal });
  const chooser = new ZoneChooser({ allocations: tallyZones({ zones: params.all, ...placed }) });
  return () => zonesFromChooser({ chooser, allowed: zones, instanceType: params.instanceType });
}
