import path from 'node:path';
import { ConfigError } from '../../errors/index.js';
import { planAddMachines } from '../../plan/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { addMachineInputs } from '../environment/add-machine-inputs.js';
import { openBootstrappedForPlan } from '../environment/open-for-plan.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { planOutcome } from '../output/plan-view.js';
import type { AddMachineInput } from './add-machine.js';

/**
 * `envboot add-machine ENV --dry-run`: checks every input as `add-machine` does (bad input
 * is the same exit 2), needs the environment bootstrapped and this client's key for it as
 * `add-machine` does, runs its read-only part (`planAddMachines`) and prints the plan.
 * Writes nothing: this client's records stay as they are (even a stale UUID is left for
 * the real run to correct), and provider-state is only read.
 */
export async function runAddMachinePlan(context: CommandContext, input: AddMachineInput & { readonly resume?: boolean }): Promise<CommandResult> {
  if (input.resume === true) {
    throw new ConfigError('--dry-run plans new machines and cannot be combined with --resume; drop one of them ("envboot status" shows what a resume would go on with)');
  }
  const { environment, placements, count, machine } = await addMachineInputs(context, input);
  const environ = await openBootstrappedForPlan(context, environment);
  // The real run cannot reach its machines without it: refused the same way, before planning.
  await requireClientKey(environment);
  const plan = await planAddMachines({
    environ,
    count,
    placements: placements.length === 0 ? undefined : placements,
    constraints: machine.constraints,
    zones: input.zones === undefined || input.zones.length === 0 ? undefined : input.zones,
    config: machine.cloudConfig,
    signal: context.signal,
  });
  const cloudConfigSource = input.cloudConfig === undefined ? undefined : `${path.resolve(input.cloudConfig)} (--cloud-config)`;
  return { outcome: planOutcome({ plan, environment, cloudConfigSource, newUuid: false }) };
}
