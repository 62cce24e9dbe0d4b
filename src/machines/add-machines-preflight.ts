import type { CloudConfig } from '../../cloudinit/index.js';
import { ConfigError } from '../errors/index.js';
import { planMachines, type MachinePlan } from '../planner/index.js';
import { checkCloudConfigFor } from '../provision/index.js';
import { loadState, type LoadedState } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import type { AddMachinesParams } from './add-machines.js';

export interface AddMachinesPreflight {
  /** The machines' cloud-config, checked against what the provider can apply. */
  readonly config: CloudConfig | undefined;
  readonly plan: MachinePlan;
  /** provider-state as read to prove the environment is bootstrapped. */
  readonly state: LoadedState;
}

/**
 * The read-only part of an add-machine, before any machine id is reserved: the count and
 * placements, the cloud-config, provider-state (`NOT_BOOTSTRAPPED` without it), and the
 * plan (`planMachines` spreading over the zones: constraints, zones, instance type). Bad
 * input fails here, with nothing created; the plan's warnings go to `onEvent`.
 */
export async function addMachinesPreflight(
  params: Pick<AddMachinesParams, 'environ' | 'count' | 'placements' | 'constraints' | 'zones' | 'config' | 'onEvent' | 'signal'>,
): Promise<AddMachinesPreflight> {
  const { environ } = params;
  if (!Number.isInteger(params.count) || params.count < 1 || params.count > 1000) {
    throw new ConfigError(`cannot add ${String(params.count)} machines: the count must be a whole number from 1 to 1000`);
  }
  if (params.placements !== undefined && params.placements.length !== params.count) {
    throw new ConfigError(`cannot add ${String(params.count)} machines with ${String(params.placements.length)} placements: give one placement per machine`);
  }
  const config = params.config === undefined ? undefined : checkCloudConfigFor({ config: params.config, environ, what: 'machine cloud-config' });
  const state = await loadState({ storage: environ.storage(), ...signalOf(params) });
  const plan = await planMachines({
    environ,
    constraints: params.constraints ?? {},
    zones: params.zones,
    placements: params.placements,
    zoneOrder: 'spread',
    signal: params.signal,
  });
  for (const message of plan.warnings) params.onEvent?.({ type: 'warning', message });
  return { config, plan, state };
}
