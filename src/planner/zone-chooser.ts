import type { CapacityScope } from '../errors/index.js';
import type { ZoneAllocation } from './allocations.js';

export interface ZoneChooserParams {
  /** The current allocation, e.g. from `availabilityZoneAllocations`. */
  readonly allocations: readonly ZoneAllocation[];
  /** How long a zone that ran out of capacity is skipped. Default 10 minutes. */
  readonly cooldownMs?: number;
  /** The clock, injectable for tests. */
  readonly now?: () => number;
}

export interface ChooseZoneParams {
  /** The instance type about to be started, so that type-scoped shortages only skip it. */
  readonly instanceType?: string | undefined;
  /** Only these zones may be chosen; absent or empty means any. */
  readonly limitZones?: readonly string[] | undefined;
}

export interface ZoneFailure {
  readonly zone: string;
  /** What ran out; absent means the whole zone. */
  readonly scope?: CapacityScope | undefined;
}

interface Cooldown {
  readonly until: number;
  readonly scope: CapacityScope | undefined;
}

/**
 * Picks the zone for each new machine of a batch: least populated first, ties broken by
 * name, skipping zones that just failed for capacity (for the failed instance type or
 * family only, when the failure was scoped so). Counts machines as they are placed so a
 * batch spreads evenly.
 *
 * @example
 * const chooser = new ZoneChooser({ allocations });
 * const zone = chooser.choose({ instanceType: 'm5.large' });
 * // on success: chooser.recordPlacement(zone); on a capacity error: chooser.recordFailure({ zone, scope })
 */
export class ZoneChooser {
  readonly #counts = new Map<string, number>();
  readonly #cooldowns = new Map<string, Cooldown[]>();
  readonly #cooldownMs: number;
  readonly #now: () => number;

  constructor(params: ZoneChooserParams) {
    for (const allocation of params.allocations) this.#counts.set(allocation.zone, allocation.instances.length);
    this.#cooldownMs = params.cooldownMs ?? 10 * 60_000;
    this.#now = params.now ?? Date.now;
  }

  /** The zone for the next machine, or `undefined` when every allowed zone is cooling down. */
  choose(params: ChooseZoneParams = {}): string | undefined {
    const limit = params.limitZones !== undefined && params.limitZones.length > 0 ? new Set(params.limitZones) : undefined;
    let best: { zone: string; count: number } | undefined;
    for (const [zone, count] of this.#counts) {
      if (limit !== undefined && !limit.has(zone)) continue;
      if (this.#coolingDown(zone, params.instanceType)) continue;
      if (best === undefined || count < best.count || (count === best.count && zone < best.zone)) {
        best = { zone, count };
      }
    }
    return best?.zone;
  }

  /** Counts a machine started in `zone`. */
  recordPlacement(zone: string): void {
    this.#counts.set(zone, (this.#counts.get(zone) ?? 0) + 1);
  }

  /** Counts a machine that left `zone`. */
  recordRemoval(zone: string): void {
    this.#counts.set(zone, Math.max(0, (this.#counts.get(zone) ?? 0) - 1));
  }

  /** Skips `zone` for the cooldown period (for the failure's scope only). */
  recordFailure(failure: ZoneFailure): void {
    const list = this.#cooldowns.get(failure.zone) ?? [];
    list.push({ until: this.#now() + this.#cooldownMs, scope: failure.scope });
    this.#cooldowns.set(failure.zone, list);
  }

  /** Machines per zone as the chooser counts them now. */
  counts(): ReadonlyMap<string, number> {
    return new Map(this.#counts);
  }

  #coolingDown(zone: string, instanceType: string | undefined): boolean {
    const now = this.#now();
    const active = (this.#cooldowns.get(zone) ?? []).filter((c) => c.until > now);
    this.#cooldowns.set(zone, active);
    return active.some((c) => blocks(c.scope, instanceType));
  }
}

function blocks(scope: CapacityScope | undefined, instanceType: string | undefined): boolean {
  if (scope === undefined || scope.kind === 'all' || instanceType === undefined) return true;
  if (scope.kind === 'instance-type') return scope.instanceType === instanceType;
  return instanceType === scope.family || instanceType.startsWith(`${scope.family}.`);
}
