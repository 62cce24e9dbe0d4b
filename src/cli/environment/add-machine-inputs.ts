import { ConfigError } from '../../errors/index.js';
import type { CommandContext } from '../context.js';
import type { GivenPlacementFlags } from '../placement-options.js';
import { applyPlacementFlags } from './apply-placement-flags.js';
import { machineInputs, type MachineInputs } from './machine-inputs.js';
import { resolveEnvironment, type ResolvedEnvironment } from './resolve-environment.js';

/** An add-machine's flags, as the command line gave them. */
export interface AddMachineFlags {
  readonly environment: string;
  readonly count: number;
  /** Whether `-n` was given (when the flags name machines, they decide the count). */
  readonly countGiven?: boolean;
  readonly placementFlags?: GivenPlacementFlags | undefined;
  readonly constraints?: string;
  readonly cloudConfig?: string;
}

/** Everything an add-machine is given, checked. */
export interface AddMachineInputs {
  readonly environment: ResolvedEnvironment;
  /** One per machine, or none. */
  readonly placements: readonly string[];
  readonly count: number;
  readonly machine: MachineInputs;
}

/**
 * Checks every input of an add-machine, reading nothing but the config and cloud-config
 * files: the environment (one this client knows), the provider flags and the count they
 * imply (`-n` that disagrees is refused), constraints and cloud-config. Every mistake is
 * `CONFIG_INVALID` (exit 2), the same for `add-machine` and `add-machine --dry-run`.
 */
export async function addMachineInputs(context: CommandContext, flags: AddMachineFlags): Promise<AddMachineInputs> {
  const resolved = await resolveEnvironment({ context, name: flags.environment, purpose: 'existing' });
  const { environment, placements } = await applyPlacementFlags({ context, environment: resolved, command: 'add-machine', flags: flags.placementFlags });
  if (placements.length > 0 && flags.countGiven === true && flags.count !== placements.length) {
    const named = Object.keys(flags.placementFlags?.values ?? {}).map((flag) => `--${flag}`).join(', ');
    throw new ConfigError(`-n ${String(flags.count)} does not match the ${String(placements.length)} machines the flags name (${named}): each is one machine; drop -n`);
  }
  const machine = await machineInputs({ environment, constraints: flags.constraints, cloudConfig: flags.cloudConfig, controller: false });
  return { environment, placements, count: placements.length > 0 ? placements.length : flags.count, machine };
}
