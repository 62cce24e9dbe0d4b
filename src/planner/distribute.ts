import type { ZonedEnviron } from '../provider/index.js';
import { availabilityZoneAllocations, type ZoneAllocation } from './allocations.js';

export interface DistributeInstancesParams {
  readonly environ: ZonedEnviron;
  /** Instances that could take the next workload. */
  readonly candidates: readonly string[];
  /** The instances whose spread matters; absent or empty means every instance. */
  readonly group?: readonly string[] | undefined;
  /** Only these zones count; absent or empty means every available zone. */
  readonly limitZones?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The candidates that sit in the least-populated zones of the group's allocation, in
 * candidate order: placing the next workload on one of them keeps the group spread.
 * A candidate is eligible only if it *is* one of the instances allocated to such a zone
 * (exact membership; Juju's version let through any id that sorted before the last
 * eligible one).
 */
export async function distributeInstances(params: DistributeInstancesParams): Promise<string[]> {
  const allocations = await availabilityZoneAllocations({ environ: params.environ, group: params.group, signal: params.signal });
  return eligibleCandidates({ allocations, candidates: params.candidates, limitZones: params.limitZones });
}

export interface EligibleCandidatesParams {
  /** Sorted as `availabilityZoneAllocations` returns them. */
  readonly allocations: readonly ZoneAllocation[];
  readonly candidates: readonly string[];
  readonly limitZones?: readonly string[] | undefined;
}

/** The pure part of `distributeInstances`. */
export function eligibleCandidates(params: EligibleCandidatesParams): string[] {
  const limit = params.limitZones !== undefined && params.limitZones.length > 0 ? new Set(params.limitZones) : undefined;
  const considered = limit === undefined ? params.allocations : params.allocations.filter((a) => limit.has(a.zone));
  const least = considered[0]?.instances.length;
  const eligible = new Set<string>();
  for (const allocation of considered) {
    if (allocation.instances.length !== least) break;
    for (const id of allocation.instances) eligible.add(id);
  }
  return params.candidates.filter((id) => eligible.has(id));
}
