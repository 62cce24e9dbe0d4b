import { bootstrapPreflight } from '../bootstrap/bootstrap-preflight.js';
import type { BootstrapParams } from '../bootstrap/bootstrap.js';
import { AlreadyBootstrappedError, isNotBootstrapped } from '../errors/index.js';
import { askedZones } from '../planner/index.js';
import type { Environ } from '../provider/index.js';
import type { PhaseTiming } from '../provision/index.js';
import { bootstrapProgress, loadState } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import { assemblePlan } from './assemble-plan.js';
import { describeInstanceType } from './instance-type-reason.js';
import { cloudConfigScriptBytes, userDataSize } from './payload-sizes.js';
import { planMachine } from './plan-machine.js';
import type { RunPlan } from './plan-types.js';
import { readOnlyEnviron } from './read-only-environ.js';

/** What a `bootstrap` with these parameters would be given. */
export type PlanBootstrapParams = Pick<BootstrapParams, 'environ' | 'constraints' | 'zone' | 'placement' | 'controllerConfig' | 'expose' | 'onEvent' | 'signal'>;

/**
 * What `bootstrap` would do, found by running its read-only part for real and nothing
 * after it: the same preflight (`bootstrapPreflight`: cloud-config, firewall for `expose`,
 * the provider's preflight, `planMachines`), then provider-state read (an environment that
 * has it is `ALREADY_BOOTSTRAPPED`, as the claim would find), the controller's minimal
 * user-data rendered with throwaway keys and sized, and the provider's plan of the start
 * (`planStart`). Bad input fails with the error the real bootstrap gives. Nothing is
 * created or written: the Environ is used read-only (`readOnlyEnviron`).
 *
 * @example
 * const plan = await planBootstrap({ environ, constraints: { cores: 2 }, signal });
 * console.log(plan.machines[0]?.instanceType?.name, plan.calls.map((call) => call.action));
 */
export async function planBootstrap(params: PlanBootstrapParams): Promise<RunPlan> {
  const environ = readOnlyEnviron(params.environ);
  const timings: PhaseTiming[] = [];
  const preflight = await bootstrapPreflight({ ...params, environ }, { onEvent: params.onEvent ?? ignore, timings });
  await refuseBootstrapped(environ, params.signal);
  const constraints = params.constraints ?? {};
  const userData = userDataSize(environ, '0');
  const instanceType = await describeInstanceType({
    environ,
    name: preflight.machines.instanceType,
    constraints: preflight.machines.constraints,
    defaults: preflight.machines.defaults,
    askedZones: askedZones(params.zone === undefined ? undefined : [params.zone], constraints).names,
    signal: params.signal,
  });
  const controller = await planMachine({
    environ,
    machines: preflight.machines,
    machineId: '0',
    controller: true,
    bootstrap: true,
    instanceType,
    placement: params.placement,
    expose: params.expose,
    signal: params.signal,
  });
  const cloudConfigBytes = cloudConfigScriptBytes(environ, preflight.config);
  return assemblePlan({
    kind: 'bootstrap',
    environment: environ.environment,
    provider: environ.provider,
    storage: environ.storage().description,
    constraints,
    defaults: preflight.machines.defaults,
    zoneOrder: 'fail-over',
    machines: [controller],
    expose: params.expose ?? [],
    userData,
    ...(cloudConfigBytes === undefined ? {} : { cloudConfigBytes }),
    warnings: preflight.warnings,
  });
}

/** The claim's verdict, read instead of written: provider-state that exists means the environment does. */
async function refuseBootstrapped(environ: Environ, signal: AbortSignal | undefined): Promise<void> {
  const storage = environ.storage();
  const loaded = await loadState({ storage, ...signalOf({ signal }) }).catch((error: unknown) => {
    if (isNotBootstrapped(error)) return undefined;
    throw error;
  });
  if (loaded === undefined) return;
  const { status } = bootstrapProgress(loaded.state);
  const unfinished = status === 'complete' ? '' : ` (its bootstrap ${status === 'failed' ? 'failed' : 'did not finish'}: "envboot bootstrap --resume" goes on with it)`;
  throw new AlreadyBootstrappedError(
    `environment "${environ.environment.name}" is already bootstrapped: provider-state exists in ${storage.description}${unfinished}; use it, or run "envboot destroy" first`,
  );
}

function ignore(): void {
  // No sink: the plan itself carries the warnings.
}
