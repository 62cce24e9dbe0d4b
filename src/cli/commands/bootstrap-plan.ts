import path from 'node:path';
import { AlreadyBootstrappedError, ConfigError, isAlreadyBootstrapped } from '../../errors/index.js';
import { planBootstrap } from '../../plan/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { bootstrapInputs } from '../environment/bootstrap-inputs.js';
import { openForBootstrapPlan } from '../environment/open-for-plan.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { planOutcome } from '../output/plan-view.js';
import type { BootstrapInput } from './bootstrap.js';

/**
 * `envboot bootstrap ENV --dry-run`: checks every input as `bootstrap` does (bad input is
 * the same exit 2), runs the bootstrap's read-only part (`planBootstrap`) and prints the
 * plan. Writes nothing: no environment record, client key or lock under the data
 * directory, nothing on the provider; the environment is opened only to read.
 */
export async function runBootstrapPlan(context: CommandContext, input: BootstrapInput & { readonly resume?: boolean }): Promise<CommandResult> {
  if (input.resume === true) {
    throw new ConfigError('--dry-run plans a new bootstrap and cannot be combined with --resume; drop one of them ("envboot status" shows what a resume would go on with)');
  }
  const { environment, placement, machine, expose } = await bootstrapInputs(context, input);
  const { environ, newUuid } = await openForBootstrapPlan(context, environment);
  const plan = await planBootstrap({
    environ,
    constraints: machine.constraints,
    zone: input.zone,
    placement,
    controllerConfig: machine.cloudConfig,
    expose,
    signal: context.signal,
  }).catch((error: unknown) => {
    throw isAlreadyBootstrapped(error) ? alreadyBootstrapped(environment.name, error) : error;
  });
  return { outcome: planOutcome({ plan, environment, cloudConfigSource: cloudConfigSource(environment, input.cloudConfig), newUuid }) };
}

/** Where the controller's cloud-config comes from: the flag's file, or the environment's `controller-cloud-config`. */
function cloudConfigSource(environment: ResolvedEnvironment, flag: string | undefined): string | undefined {
  if (flag !== undefined) return `${path.resolve(flag)} (--cloud-config)`;
  if (environment.controllerCloudConfig === undefined) return undefined;
  const source = environment.file.environments.get(environment.name)?.controllerCloudConfigSource;
  return `${source ?? 'inline'} (controller-cloud-config)`;
}

/** `bootstrap`'s own message for an environment that exists, with the plan's hint when its bootstrap did not finish. */
function alreadyBootstrapped(name: string, cause: unknown): Error {
  // planBootstrap names `--resume` only for an unfinished bootstrap.
  const unfinished = cause instanceof Error && cause.message.includes('--resume') ? ': its bootstrap did not finish, and "envboot bootstrap --resume" goes on with it' : '';
  return new AlreadyBootstrappedError(
    `environment "${name}" is already bootstrapped${unfinished}; "envboot status ${name}" shows it, "envboot destroy ${name}" removes it`,
    { cause },
  );
}
