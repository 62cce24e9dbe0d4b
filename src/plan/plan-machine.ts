import type { MachinePlan } from '../planner/index.js';
import { canPlan, type Environ, type IngressRule } from '../provider/index.js';
import type { PlannedInstanceType, PlannedMachine } from './plan-types.js';

export interface PlanMachineParams {
  /** Read-only (see `readOnlyEnviron`). */
  readonly environ: Environ;
  /** The planner's decision for the run: the machine is handed `machines.machine(placement)`, as a real start is. */
  readonly machines: MachinePlan;
  readonly machineId: string;
  readonly controller: boolean;
  readonly bootstrap: boolean;
  readonly instanceType: PlannedInstanceType | undefined;
  readonly placement?: string | undefined;
  readonly expose?: readonly IngressRule[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One machine of a plan: where and as what it would start, and what the provider would do
 * for it (`planStart`, where the provider has the plan ability). Its zones come from the
 * zone picker a real start would get: the first is the zone it would try first (under
 * `spread`, the least populated, counting the machines planned before it); the rest
 * follow in the planner's order.
 */
export async function planMachine(params: PlanMachineParams): Promise<PlannedMachine> {
  const { environ, machines } = params;
  const start = machines.machine(params.placement);
  const first = start.zones.pick()?.zone;
  const zones = first === undefined ? [] : [first, ...machines.zones.filter((zone) => zone !== first)];
  const provider = canPlan(environ)
    ? await environ.planStart({
        machineId: params.machineId,
        controller: params.controller,
        bootstrap: params.bootstrap,
        constraints: start.constraints,
        instanceType: start.instanceType,
        zones,
        placement: start.placement,
        expose: params.expose,
        signal: params.signal,
      })
    : undefined;
  return {
    machineId: params.machineId,
    controller: params.controller,
    zones,
    ...(params.instanceType === undefined ? {} : { instanceType: params.instanceType }),
    ...(start.placement === undefined ? {} : { placement: start.placement }),
    ...(provider === undefined ? {} : { provider }),
  };
}
