export { bootstrap, type BootstrapParams, type BootstrapResult } from './bootstrap.js';
export { planPlacement, type Placement, type PlanPlacementParams } from './plan-placement.js';
