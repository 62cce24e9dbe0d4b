import { resumeBootstrap, type ResumeBootstrapResult } from '../../bootstrap/index.js';
import { ConfigError } from '../../errors/index.js';
import { bootstrapProgress, machineRecords } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { bootstrapInputs } from '../environment/bootstrap-inputs.js';
import { openEnviron, recordFromState, stateIdentity, unknownUuid, type StateIdentity } from '../environment/open-environment.js';
import { ensureClientKey, forgetClientKey, readClientKey } from '../records/client-key.js';
import { withEnvironmentLock } from '../records/environment-lock.js';
import { forgetEnvironment, writeEnvironmentRecord } from '../records/environment-record.js';
import { cloudConfigDigest, fileProofKeeper } from '../records/machine-proofs.js';
import { bootstrapOutcome, bootstrapRun, recordController, runBootstrap, type BootstrapInput } from './bootstrap.js';
import { cleanupSummary } from './cleanup-summary.js';

/**
 * `envboot bootstrap ENV --resume`: goes on with a bootstrap that did not finish, from
 * provider-state (`resumeBootstrap`). With no provider-state there is nothing to resume
 * and it is a plain bootstrap; a complete one is reported and left alone (exit 0), so a
 * script may run it to make sure an environment is up. Takes the same inputs as
 * bootstrap, checked the same way before anything is touched.
 */
export async function runBootstrapResume(context: CommandContext, input: BootstrapInput): Promise<CommandResult> {
  const { environment, placement, machine: inputs, expose } = await bootstrapInputs(context, input);
  const probe = await openEnviron({ context, environment, uuid: environment.record?.uuid ?? unknownUuid });
  const stated = await stateIdentity(probe, context.signal);
  if (stated === undefined) {
    context.reporter.notice('info', `environment "${environment.name}" has no provider-state: there is nothing to resume, so it is bootstrapped from the start`);
    return runBootstrap(context, { ...input, resume: false });
  }
  if (bootstrapProgress(stated.state).status === 'complete') return nothingToResume(environment.name, stated);
  return withEnvironmentLock({ dir: environment.dir, name: environment.name, operation: 'bootstrap' }, async () => {
    const record = environment.record?.uuid === stated.uuid ? environment.record : await recordFromState(environment, stated);
    const hadKey = (await readClientKey(environment.dir)) !== undefined;
    // The controller trusts the key of the client that started it: a new key could not reach it, and replacing it might stop a live one.
    if (!hadKey && machineRecords(stated.state).some((m) => m.id === '0')) {
      throw new ConfigError(
        `this client has no key of environment "${environment.name}", and its controller was started for the key of the client that bootstrapped it: run "envboot bootstrap ${environment.name} --resume" there, or "envboot destroy ${environment.name}"`,
      );
    }
    const clientKey = await ensureClientKey({ dir: environment.dir, environment: environment.name });
    const proofs = fileProofKeeper(environment.dir, { command: `envboot bootstrap ${environment.name} --resume`, configDigest: cloudConfigDigest(inputs.cloudConfig) });
    const kept = await proofs.configDigest('0');
    if (kept !== undefined && kept !== cloudConfigDigest(inputs.cloudConfig)) {
      context.reporter.notice('warn', `the controller cloud-config is not the one the interrupted bootstrap had; the resumed run applies this one`);
    }
    const environ = await openEnviron({ context, environment, uuid: stated.uuid });
    const run = bootstrapRun(context, input);
    let result: ResumeBootstrapResult;
    try {
      result = await resumeBootstrap({
        environ,
        constraints: inputs.constraints,
        clientKey,
        keepBroken: input.keepBroken,
        onEvent: run.onEvent,
        signal: run.signal,
        cleanupSignal: context.cleanupSignal,
        proofs,
        ...(input.zone === undefined ? {} : { zone: input.zone }),
        placement,
        ...(inputs.cloudConfig === undefined ? {} : { controllerConfig: inputs.cloudConfig }),
        proxies: environment.proxies,
        expose,
      });
    } catch (error) {
      cleanupSummary({ context, environment: environment.name, events: run.cleanup, keptBroken: input.keepBroken });
      // Undone as a failed bootstrap is: provider-state is gone, and so are this client's record and a key nothing uses.
      const left = (await stateIdentity(environ, context.signal).catch(() => stated)) !== undefined;
      if (!left) {
        await forgetEnvironment(environment.dir);
        if (!hadKey) await forgetClientKey(environment.dir);
      }
      throw run.explain(error, environment.name);
    }
    await writeEnvironmentRecord(environment.dir, { ...record, bootstrappedAt: new Date().toISOString() });
    await recordController(environment, result).catch((error: unknown) => {
      context.reporter.notice('warn', `could not update the local records in ${environment.dir}: ${String(error)}`);
    });
    return { outcome: bootstrapOutcome(environment.name, environ.provider, result, { outcome: result.resumed, words: howItCameBack[result.resumed] }) };
  });
}

function nothingToResume(name: string, stated: StateIdentity): CommandResult {
  const text = `Environment "${name}" is bootstrapped and complete: there is nothing to resume.\nNext: envboot status ${name}`;
  return { outcome: { json: { environment: { name, uuid: stated.uuid }, resumed: 'nothing' }, text } };
}

const howItCameBack = {
  reached: 'the controller it had started was reached again, proven and configured',
  found: 'the controller it had started but not recorded was found by its tag, proven, recorded and configured',
  replaced: 'the controller it had started could not be reached or proven, and a new one took its place',
  started: 'it had not started a controller yet; one was started',
} as const;
