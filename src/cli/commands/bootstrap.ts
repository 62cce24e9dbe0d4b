import { bootstrap, type BootstrapResult } from '../../bootstrap/index.js';
import { AlreadyBootstrappedError, BootstrapUnfinishedError, TimeoutError, isAlreadyBootstrapped, isCancelled } from '../../errors/index.js';
import { formatIngressRule } from '../../firewall/index.js';
import type { Environ } from '../../provider/index.js';
import type { FlowEvent } from '../../provision/events.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openEnviron, recordFromState, stateIdentity, type StateIdentity } from '../environment/open-environment.js';
import { unfinishedMessage } from '../environment/unfinished.js';
import { cloudConfigDigest, fileProofKeeper } from '../records/machine-proofs.js';
import { bootstrapProgress } from '../../state/index.js';
import { bootstrapInputs } from '../environment/bootstrap-inputs.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { describeAddresses, describeHardware, machineJson } from '../output/describe-machine.js';
import { ensureClientKey, forgetClientKey, readClientKey } from '../records/client-key.js';
import { withEnvironmentLock } from '../records/environment-lock.js';
import { createEnvironmentRecord, forgetEnvironment, newEnvironmentRecord, writeEnvironmentRecord } from '../records/environment-record.js';
import { writeKnownHosts } from '../records/known-hosts.js';
import { writeMachineCache } from '../records/machine-cache.js';
import type { GivenPlacementFlags } from '../placement-options.js';
import { cleanupSummary } from './cleanup-summary.js';

export interface BootstrapInput {
  readonly environment: string | undefined;
  /** The provider flags given (`--host` for the manual provider), for the environment's provider. */
  readonly placementFlags?: GivenPlacementFlags | undefined;
  readonly provider?: string;
  readonly constraints?: string;
  readonly zone?: string;
  readonly cloudConfig?: string;
  readonly timeoutMs?: number;
  readonly keepBroken: boolean;
  /** `--expose`: port ranges opened to anywhere, with environments.yaml's `expose`. */
  readonly expose?: readonly string[];
  /** `--resume`: go on with a bootstrap that did not finish (see `runBootstrapResume`). */
  readonly resume?: boolean;
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
  if (input.resume === true) {
    const { runBootstrapResume } = await import('./bootstrap-resume.js');
    return runBootstrapResume(context, input);
  }
  // Every input checked (a provider that cannot be loaded included) before anything is recorded, as --dry-run checks them.
  const { environment, placement, machine: inputs, expose } = await bootstrapInputs(context, input);
  return withEnvironmentLock({ dir: environment.dir, name: environment.name, operation: 'bootstrap' }, async () => {
    const hadKey = (await readClientKey(environment.dir)) !== undefined;
    const { record, created } = await createEnvironmentRecord(environment.dir, environment.record ?? newEnvironmentRecord(environment));
    const run = bootstrapRun(context, input);
    let environ: Environ | undefined;
    let result: BootstrapResult;
    try {
      // Inside the try: an interrupt while the environment is opened forgets the record and key like any other failure.
      const clientKey = await ensureClientKey({ dir: environment.dir, environment: environment.name });
      environ = await openEnviron({ context, environment, uuid: record.uuid });
      result = await bootstrap({
        environ,
        constraints: inputs.constraints,
        clientKey,
        keepBroken: input.keepBroken,
        onEvent: run.onEvent,
        signal: run.signal,
        cleanupSignal: context.cleanupSignal,
        proofs: fileProofKeeper(environment.dir, { command: `envboot bootstrap ${environment.name}`, configDigest: cloudConfigDigest(inputs.cloudConfig) }),
        ...(input.zone === undefined ? {} : { zone: input.zone }),
        placement,
        ...(inputs.cloudConfig === undefined ? {} : { controllerConfig: inputs.cloudConfig }),
        proxies: environment.proxies,
        expose,
      });
    } catch (error) {
      cleanupSummary({ context, environment: environment.name, events: run.cleanup, keptBroken: input.keepBroken });
      const existing = isAlreadyBootstrapped(error);
      // The record of an environment that no longer exists anywhere is forgotten: bad input leaves no trace.
      if (created && (!run.claimed() || !(run.leftovers() || existing))) await forgetEnvironment(environment.dir);
      // A key made for this run that opens no machine (none was left, or they are another run's): keeping it would hide that this client has none.
      if (!hadKey && !(run.claimed() && run.leftovers() && !existing)) await forgetClientKey(environment.dir);
      const stated = existing && environ !== undefined ? await followExistingState(context, environment, environ) : undefined;
      if (stated !== undefined && bootstrapProgress(stated.state).status !== 'complete') {
        throw new BootstrapUnfinishedError(unfinishedMessage(environment.name), { cause: error });
      }
      throw run.explain(error, environment.name);
    }
    await writeEnvironmentRecord(environment.dir, { ...record, bootstrappedAt: new Date().toISOString() });
    // From what bootstrap returned: reading provider-state back would cost a round trip to object storage.
    await recordController(environment, result).catch((error: unknown) => {
      context.reporter.notice('warn', `could not update the local records in ${environment.dir}: ${String(error)}`);
    });
    return { outcome: bootstrapOutcome(environment.name, environ.provider, result) };
  });
}

/**
 * The claim found provider-state: the environment exists, and provider-state, not this
 * client's record, says which one. The record is brought in line with it (a lost or stale
 * record would otherwise keep a UUID that finds none of the running machines).
 */
async function followExistingState(context: CommandContext, environment: ResolvedEnvironment, environ: Environ): Promise<StateIdentity | undefined> {
  const stated = await stateIdentity(environ, context.signal).catch(() => undefined);
  if (stated !== undefined && environment.record?.uuid !== stated.uuid) await recordFromState(environment, stated);
  return stated;
}

/** Pins the controller's host keys and caches it, as `refreshLocalRecords` would after reading provider-state. */
export async function recordController(environment: ResolvedEnvironment, result: BootstrapResult): Promise<void> {
  const { controller } = result;
  await writeKnownHosts({ dir: environment.dir, environment: environment.name, machines: [{ id: controller.id, hostKeys: controller.hostKeys }] });
  await writeMachineCache(environment.dir, [
    {
      id: controller.id,
      instanceId: controller.instance.id,
      addresses: controller.addresses,
      status: 'running',
      ...(controller.zone === undefined ? {} : { zone: controller.zone }),
      ...(controller.hardware === undefined ? {} : { hardware: controller.hardware }),
    },
  ]);
}

/** The bootstrap's signal (interrupts and --timeout), its event sink, and what the events told about the clean-up. */
export function bootstrapRun(context: CommandContext, input: BootstrapInput) {
  const deadline = input.timeoutMs === undefined ? undefined : AbortSignal.timeout(input.timeoutMs);
  const cleanup: FlowEvent[] = [];
  let claimed = false;
  // The last reason each address gave while waiting for SSH: what a deadline cut short.
  const lastAttempts = new Map<string, string>();
  const sink = eventSink(context);
  return {
    signal: deadline === undefined ? context.signal : AbortSignal.any([context.signal, deadline]),
    cleanup,
    claimed: () => claimed,
    leftovers: () => input.keepBroken || cleanup.some((e) => e.type === 'cleanup.failed' || e.type === 'cleanup.kept'),
    onEvent: (event: FlowEvent): void => {
      if (event.type === 'phase.started' && event.phase === 'claim') claimed = true;
      if (event.type.startsWith('cleanup.')) cleanup.push(event);
      if (event.type === 'wait-ssh' && event.event.type === 'wait-ssh.attempt-failed') lastAttempts.set(event.event.address, `${event.event.reason}: ${event.event.message}`);
      if (event.type === 'wait-ssh' && event.event.type === 'wait-ssh.connected') lastAttempts.clear();
      sink(event);
    },
    /** The error as the operator should read it: a lost claim and a deadline said plainly. */
    explain: (error: unknown, name: string): unknown => {
      if (isAlreadyBootstrapped(error)) return alreadyBootstrapped(name, error);
      if (deadline?.aborted === true && !context.signal.aborted && isCancelled(error)) {
        const waiting = [...lastAttempts].map(([address, last]) => `\n  - ${address}: ${last}`).join('');
        const why = waiting === '' ? '' : `; waiting for SSH, the last result per address was:${waiting}`;
        return new TimeoutError(`bootstrap of "${name}" did not finish within ${formatDuration(input.timeoutMs ?? 0)} (--timeout)${why}`, { cause: error });
      }
      return error;
    },
  };
}

function alreadyBootstrapped(name: string, cause: unknown): Error {
  return new AlreadyBootstrappedError(
    `environment "${name}" is already bootstrapped; "envboot status ${name}" shows it, "envboot destroy ${name}" removes it`,
    { cause },
  );
}

/**
 * What a bootstrap prints and returns; a resumed one (`resumed`: how its controller came
 * back, and the sentence saying so) the same, headed by what the resume did.
 */
export function bootstrapOutcome(
  name: string,
  provider: string,
  result: BootstrapResult,
  resumed?: { readonly outcome: string; readonly words: string },
): { json: unknown; text: string } {
  const { controller } = result;
  const json = {
    environment: { name, uuid: result.environment.uuid, provider },
    ...(resumed === undefined ? {} : { resumed: resumed.outcome }),
    controller: machineJson(controller),
    instanceType: result.instanceType ?? null,
    openPorts: result.openPorts ?? [],
    warnings: result.warnings,
    phases: result.phases,
    elapsedMs: result.elapsedMs,
  };
  const text = [
    resumed === undefined
      ? `Bootstrapped environment "${name}" on ${provider} in ${formatDuration(result.elapsedMs)}.`
      : `Resumed the bootstrap of "${name}" on ${provider} in ${formatDuration(result.elapsedMs)}: ${resumed.words}.`,
    `Controller: machine 0, instance ${controller.instance.id}${controller.zone === undefined ? '' : ` in zone ${controller.zone}`}`,
    `  addresses: ${describeAddresses(controller.addresses)}`,
    `  hardware:  ${describeHardware(controller.hardware)}`,
    ...(result.openPorts === undefined || result.openPorts.length === 0 ? [] : [`Open to outside sources: ${result.openPorts.map(formatIngressRule).join('; ')}`]),
    `Next: envboot status ${name} | envboot ssh ${name} 0 | envboot add-machine ${name} | envboot destroy ${name}`,
  ].join('\n');
  return { json, text };
}
