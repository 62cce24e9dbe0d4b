import { ConfigError } from '../../errors/index.js';
import { mergeRules, parseExposeRequest } from '../../firewall/index.js';
import type { IngressRule } from '../../provider/index.js';
import type { CommandContext } from '../context.js';
import type { GivenPlacementFlags } from '../placement-options.js';
import { applyPlacementFlags } from './apply-placement-flags.js';
import { machineInputs, type MachineInputs } from './machine-inputs.js';
import { resolveEnvironment, type ResolvedEnvironment } from './resolve-environment.js';

/** A bootstrap's flags, as the command line gave them. */
export interface BootstrapFlags {
  readonly environment: string | undefined;
  readonly placementFlags?: GivenPlacementFlags | undefined;
  readonly provider?: string;
  readonly constraints?: string;
  readonly cloudConfig?: string;
  readonly expose?: readonly string[];
}

/** Everything a bootstrap is given, checked. */
export interface BootstrapInputs {
  /** With the config its provider made of the placement flags. */
  readonly environment: ResolvedEnvironment;
  readonly placement: string | undefined;
  readonly machine: MachineInputs;
  readonly expose: readonly IngressRule[];
}

/**
 * Checks every input of a bootstrap, reading and writing nothing but the config and
 * cloud-config files it reads: the environment and its provider config, the provider
 * flags (one placement at most), the provider itself (one that cannot be loaded is bad
 * input), constraints, cloud-config and `--expose`. Every mistake is `CONFIG_INVALID`
 * (exit 2), the same for `bootstrap` and `bootstrap --dry-run`.
 */
export async function bootstrapInputs(context: CommandContext, flags: BootstrapFlags): Promise<BootstrapInputs> {
  const resolved = await resolveEnvironment({
    context,
    name: flags.environment,
    purpose: 'bootstrap',
    ...(flags.provider === undefined ? {} : { provider: flags.provider }),
  });
  const { environment, placements } = await applyPlacementFlags({ context, environment: resolved, command: 'bootstrap', flags: flags.placementFlags });
  if (placements.length > 1) {
    throw new ConfigError(`bootstrap starts one machine, the controller, but the flags name ${String(placements.length)} (${placements.join(', ')}): give one`);
  }
  await context.providers.load(environment.provider);
  const machine = await machineInputs({ environment, constraints: flags.constraints, cloudConfig: flags.cloudConfig, controller: true });
  return { environment, placement: placements[0], machine, expose: exposeRules(environment, flags.expose) };
}

/** environments.yaml's `expose` with `--expose` (open to anywhere) added; bad ranges are exit 2 before anything is recorded. */
function exposeRules(environment: ResolvedEnvironment, flags: readonly string[] | undefined): readonly IngressRule[] {
  if (flags === undefined) return environment.expose;
  const parsed = parseExposeRequest({ ports: flags }, { ports: '--expose', from: '--expose' });
  if (parsed.problems.length > 0) throw new ConfigError('invalid --expose:', { problems: parsed.problems });
  return mergeRules([...environment.expose, ...parsed.rules]);
}
