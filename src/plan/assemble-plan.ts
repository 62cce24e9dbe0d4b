import type { PlanStep, PlannedCall } from '../provider/index.js';
import type { PlannedMachine, RunPlan } from './plan-types.js';

/** The steps of a run in the order they happen, bootstrap's and add-machine's together. */
const stepOrder: readonly PlanStep[] = ['preflight', 'claim', 'prepare', 'open-ports', 'reserve-ids', 'start-instance', 'record-state', 'wait-ssh', 'complete'];

/**
 * The run's plan from its machines' plans: the providers' calls merged (each step, action
 * and purpose once, in the order of the steps), their permissions and notes, and a note
 * where the provider could not plan at all.
 */
export function assemblePlan(params: Omit<RunPlan, 'calls' | 'permissions' | 'notes'>): RunPlan {
  const { machines } = params;
  return { ...params, calls: mergedCalls(machines), permissions: unique(machines.flatMap((m) => m.provider?.permissions ?? [])), notes: notesOf(params) };
}

function mergedCalls(machines: readonly PlannedMachine[]): PlannedCall[] {
  const seen = new Map<string, PlannedCall>();
  for (const call of machines.flatMap((machine) => machine.provider?.calls ?? [])) {
    const key = `${call.step} ${call.action} ${call.purpose}`;
    if (!seen.has(key)) seen.set(key, call);
  }
  // Stable: within a step, calls keep the order the providers gave them.
  return [...seen.values()].sort((a, b) => stepOrder.indexOf(a.step) - stepOrder.indexOf(b.step));
}

function notesOf(params: Omit<RunPlan, 'calls' | 'permissions' | 'notes'>): string[] {
  const unplanned = params.machines.some((machine) => machine.provider === undefined)
    ? [`the ${params.provider} provider has no plan ability: its image, network, shared resources and cloud calls are known only when it starts a machine`]
    : [];
  return unique([...params.machines.flatMap((machine) => machine.provider?.notes ?? []), ...unplanned]);
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
