import { MemoryStorage } from '../../storage/index.js';
import { addMachinesPreflight } from '../machines/add-machines-preflight.js';
import type { AddMachinesParams } from '../machines/add-machines.js';
import { askedZones } from '../planner/index.js';
import { reserveMachineIds, saveState, type LoadedState } from '../state/index.js';
import { assemblePlan } from './assemble-plan.js';
import { describeInstanceType } from './instance-type-reason.js';
import { cloudConfigScriptBytes, userDataSize } from './payload-sizes.js';
import { planMachine } from './plan-machine.js';
import type { PlannedMachine, RunPlan } from './plan-types.js';
import { readOnlyEnviron } from './read-only-environ.js';

/** What an `addMachines` with these parameters would be given. */
export type PlanAddMachinesParams = Pick<AddMachinesParams, 'environ' | 'count' | 'placements' | 'constraints' | 'zones' | 'config' | 'onEvent' | 'signal'>;

/**
 * What `addMachines` would do, found by running its read-only part for real and nothing
 * after it: the same checks (`addMachinesPreflight`: count, placements, cloud-config,
 * provider-state, `planMachines` spreading over the zones), the ids the machines would get
 * (reserved in a scratch copy of provider-state, not in the environment's), the minimal
 * user-data rendered with throwaway keys and sized, and the provider's plan of each start.
 * Bad input fails with the error the real add-machine gives; nothing is created or written.
 *
 * @example
 * const plan = await planAddMachines({ environ, count: 3, zones: ['us-east-1a', 'us-east-1b'], signal });
 * for (const machine of plan.machines) console.log(machine.machineId, machine.zones[0]);
 */
export async function planAddMachines(params: PlanAddMachinesParams): Promise<RunPlan> {
  const environ = readOnlyEnviron(params.environ);
  const { config, plan, state } = await addMachinesPreflight({ ...params, environ });
  const ids = await nextMachineIds(state, params.count);
  const constraints = params.constraints ?? {};
  const userData = userDataSize(environ, ids[0] ?? '1');
  const instanceType = await describeInstanceType({ environ, name: plan.instanceType, constraints: plan.constraints, defaults: plan.defaults, askedZones: askedZones(params.zones, constraints).names, signal: params.signal });
  const machines: PlannedMachine[] = [];
  // One after another: each takes its zone from the allocation the machines before it leave, as the real run's do.
  for (const [index, machineId] of ids.entries()) {
    machines.push(await planMachine({ environ, machines: plan, machineId, controller: false, bootstrap: false, instanceType, placement: params.placements?.[index], signal: params.signal }));
  }
  const cloudConfigBytes = cloudConfigScriptBytes(environ, config);
  return assemblePlan({
    kind: 'add-machine',
    environment: environ.environment,
    provider: environ.provider,
    storage: environ.storage().description,
    constraints,
    defaults: plan.defaults,
    zoneOrder: 'spread',
    machines,
    expose: [],
    userData,
    ...(cloudConfigBytes === undefined ? {} : { cloudConfigBytes }),
    warnings: plan.warnings,
  });
}

/** The ids `reserveMachineIds` would give now, reserved in a scratch copy of provider-state. */
async function nextMachineIds(loaded: LoadedState, count: number): Promise<string[]> {
  const scratch = new MemoryStorage({ name: 'planned provider-state' });
  await saveState({ storage: scratch, state: loaded.state, expect: 'create' });
  return reserveMachineIds({ storage: scratch, count });
}
