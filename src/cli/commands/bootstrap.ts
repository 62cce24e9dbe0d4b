import { bootstrap, type BootstrapResult } from '../../bootstrap/index.js';
import { AlreadyBootstrappedError, TimeoutError, isAlreadyBootstrapped, isCancelled } from '../../errors/index.js';
import type { FlowEvent } from '../../provision/events.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openEnviron } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { machineInputs } from '../environment/machine-inputs.js';
import { describeAddresses, describeHardware, machineJson } from '../output/describe-machine.js';
import { ensureClientKey } from '../records/client-key.js';
import { createEnvironmentRecord, forgetEnvironment, newEnvironmentRecord, writeEnvironmentRecord } from '../records/environment-record.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { cleanupSummary } from './cleanup-summary.js';

export interface BootstrapInput {
  readonly environment: string | undefined;
  readonly provider?: string;
  readonly constraints?: string;
  readonly zone?: string;
  readonly cloudConfig?: string;
  readonly timeoutMs?: number;
  readonly keepBroken: boolean;
}

/**
 * `envboot bootstrap [ENV]`: checks every input, opens the environment (a new UUID for
 * an environment this client has not bootstrapped), runs the library's bootstrap with
 * the display as its event sink, and records the result locally. The local record (the
 * UUID, which `destroy` needs to find the leftovers of a crash) and the client key are
 * written before anything is created, and forgotten again when the run fails and leaves
 * nothing behind.
 */
export async function runBootstrap(context: CommandContext, input: BootstrapInput): Promise<CommandResult> {
  const environment = await resolveEnvironment({
    context,
    name: input.environment,
    purpose: 'bootstrap',
    ...(input.provider === undefined ? {} : { provider: input.provider }),
  });
  const inputs = await machineInputs({ environment, constraints: input.constraints, cloudConfig: input.cloudConfig, controller: true });
  const { record, created } = await createEnvironmentRecord(environment.dir, environment.record ?? newEnvironmentRecord(environment));
  const clientKey = await ensureClientKey({ dir: environment.dir, environment: environment.name });
  const environ = await openEnviron({ context, environment, uuid: record.uuid });
  const deadline = input.timeoutMs === undefined ? undefined : AbortSignal.timeout(input.timeoutMs);
  const signal = deadline === undefined ? context.signal : AbortSignal.any([context.signal, deadline]);
  const cleanup: FlowEvent[] = [];
  const progress = { claimed: false };
  const sink = eventSink(context);
  const onEvent = (event: FlowEvent): void => {
    if (event.type === 'phase.started' && event.phase === 'claim') progress.claimed = true;
    if (event.type.startsWith('cleanup.')) cleanup.push(event);
    sink(event);
  };
  let result: BootstrapResult;
  try {
    result = await bootstrap({
      environ,
      constraints: inputs.constraints,
      clientKey,
      keepBroken: input.keepBroken,
      onEvent,
      signal,
      cleanupSignal: context.cleanupSignal,
      ...(input.zone === undefined ? {} : { zone: input.zone }),
      ...(inputs.cloudConfig === undefined ? {} : { controllerConfig: inputs.cloudConfig }),
    });
  } catch (error) {
    cleanupSummary({ context, environment: environment.name, events: cleanup, keptBroken: input.keepBroken });
    // A record this run created, for an environment that no longer exists anywhere, is forgotten: bad input leaves no trace.
    const leftovers = input.keepBroken || cleanup.some((e) => e.type === 'cleanup.failed' || e.type === 'cleanup.kept');
    if (created && (!progress.claimed || (!leftovers && !isAlreadyBootstrapped(error)))) await forgetEnvironment(environment.dir);
    if (isAlreadyBootstrapped(error)) throw alreadyBootstrapped(environment.name, error);
    if (deadline?.aborted === true && !context.signal.aborted && isCancelled(error)) {
      throw new TimeoutError(`bootstrap of "${environment.name}" did not finish within ${formatDuration(input.timeoutMs ?? 0)} (--timeout)`, { cause: error });
    }
    throw error;
  }
  await writeEnvironmentRecord(environment.dir, { ...record, bootstrappedAt: new Date().toISOString() });
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal }).catch((error: unknown) => {
    context.reporter.notice('warn', `could not update the local records in ${environment.dir}: ${String(error)}`);
  });
  return { outcome: bootstrapOutcome(environment.name, environ.provider, result) };
}

function alreadyBootstrapped(name: string, cause: unknown): Error {
  return new AlreadyBootstrappedError(
    `environment "${name}" is already bootstrapped; "envboot status ${name}" shows it, "envboot destroy ${name}" removes it`,
    { cause },
  );
}

function bootstrapOutcome(name: string, provider: string, result: BootstrapResult): { json: unknown; text: string } {
  const { controller } = result;
  const json = {
    environment: { name, uuid: result.environment.uuid, provider },
    controller: machineJson(controller),
    instanceType: result.instanceType ?? null,
    warnings: result.warnings,
    phases: result.phases,
    elapsedMs: result.elapsedMs,
  };
  const text = [
    `Bootstrapped environment "${name}" on ${provider} in ${formatDuration(result.elapsedMs)}.`,
    `Controller: machine 0, instance ${controller.instance.id}${controller.zone === undefined ? '' : ` in zone ${controller.zone}`}`,
    `  addresses: ${describeAddresses(controller.addresses)}`,
    `  hardware:  ${describeHardware(controller.hardware)}`,
    `Next: envboot status ${name} | envboot ssh ${name} 0 | envboot add-machine ${name} | envboot destroy ${name}`,
  ].join('\n');
  return { json, text };
}
