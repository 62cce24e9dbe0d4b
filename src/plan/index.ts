export { planBootstrap, type PlanBootstrapParams } from './plan-bootstrap.js';
export { planAddMachines, type PlanAddMachinesParams } from './plan-add-machines.js';
export { readOnlyEnviron } from './read-only-environ.js';
export type { PlannedInstanceType, PlannedMachine, RunPlan, UserDataSize } from './plan-types.js';
