import { destroy, type DestroyResult } from '../../destroy/index.js';
import { ErrorCode, findInChain, isCancelled, isNotBootstrapped, isStateCorrupt, StateCorruptError } from '../../errors/index.js';
import type { Environ } from '../../provider/index.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openBootstrapped, openEnviron } from '../environment/open-environment.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../environment/resolve-environment.js';
import { withEnvironmentLock } from '../records/environment-lock.js';
import { environmentRecordFile, forgetEnvironment } from '../records/environment-record.js';
import { readMachineCache } from '../records/machine-cache.js';
import { confirm } from './confirm.js';

/**
 * `envboot destroy ENV`: after confirmation (a terminal prompt, or `--yes`), stops every
 * instance the environment owns (from provider-state and from the ownership-tag query),
 * removes its shared resources and its storage, then forgets it on this client. Safe to
 * run again after a failure or an interrupt: it finishes the job.
 */
export async function runDestroy(context: CommandContext, input: { environment: string; yes: boolean }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  return withEnvironmentLock({ dir: environment.dir, name: environment.name, operation: 'destroy' }, async () => {
    const opened = await openOrNothing(context, environment);
    if (opened === undefined) {
      await forgetEnvironment(environment.dir);
      const text = `Environment "${environment.name}" has no provider-state and no local record: nothing to destroy.`;
      return { outcome: { json: { environment: environment.name, destroyed: false, stoppedInstances: [], removed: [], failures: [] }, text } };
    }
    await confirmDestroy(context, environment, input.yes);
    const result = await destroy({ environ: opened.environ, onEvent: eventSink(context), signal: context.signal });
    const outcome = destroyOutcome(environment.name, result);
    if (result.failures.length > 0) {
      const again = `fix what the messages say and run "envboot destroy ${environment.name}" again`;
      return { outcome, exitCode: 1, error: new Error(`could not remove everything "${environment.name}" owns (listed above); ${again}`) };
    }
    await forgetEnvironment(environment.dir);
    return { outcome };
  });
}

async function confirmDestroy(context: CommandContext, environment: ResolvedEnvironment, yes: boolean): Promise<void> {
  const cached = await readMachineCache(environment.dir);
  const machines = cached === undefined ? '' : `, ${cached.machines.length} machine(s)`;
  const confirmed = await confirm({
    context,
    question: `Destroy environment "${environment.name}" (provider ${environment.provider}${machines})? Every machine and all its data is removed.`,
    yes,
    flagHint: `destroying "${environment.name}" needs confirmation`,
  });
  if (!confirmed) throw new Error(`not destroyed: "${environment.name}" was left as it was`);
}

/**
 * The environment to destroy, or undefined when nothing knows it. When provider-state is
 * corrupt or cannot be read, it is opened with the UUID this client recorded: that UUID
 * is the ownership tag, so destroy still finds every instance (and warns about the state).
 */
async function openOrNothing(context: CommandContext, environment: ResolvedEnvironment): Promise<{ environ: Environ } | undefined> {
  try {
    return await openBootstrapped({ context, environment });
  } catch (error) {
    if (isNotBootstrapped(error)) return undefined;
    if (isCancelled(error)) throw error;
    const { record } = environment;
    if (record === undefined) throw isStateCorrupt(error) ? withoutIdentity(error, environment) : error;
    return { environ: await openEnviron({ context, environment, uuid: record.uuid }) };
  }
}

/** Without provider-state or a record, no tag tells this environment's instances from others'. */
function withoutIdentity(error: unknown, environment: ResolvedEnvironment): StateCorruptError {
  const problem = (findInChain(error, ErrorCode.StateCorrupt) as { problem?: unknown } | undefined)?.problem;
  return new StateCorruptError(
    `cannot tell the machines of "${environment.name}" by their ownership tag: provider-state is corrupt` +
      `${typeof problem === 'string' ? ` (${problem})` : ''} and this client has no record of the environment's UUID ` +
      `(${environmentRecordFile(environment.dir)}); restore that file, or repair provider-state so that it names the environment, and run destroy again`,
    { cause: error },
  );
}

function destroyOutcome(name: string, result: DestroyResult): { json: unknown; text: string } {
  const json = {
    environment: name,
    destroyed: result.failures.length === 0,
    stoppedInstances: result.stoppedInstances,
    removed: result.removed,
    failures: result.failures.map((f) => ({ resource: f.resource, message: f.error.message })),
    phases: result.phases,
    elapsedMs: result.elapsedMs,
  };
  const lines = [
    result.failures.length === 0
      ? `Destroyed environment "${name}" in ${formatDuration(result.elapsedMs)}: ${result.stoppedInstances.length} instance(s) stopped.`
      : `Destroy of "${name}" was incomplete: ${result.stoppedInstances.length} instance(s) stopped.`,
  ];
  // What went, as Terraform lists what it destroyed: an operator sees that the machines' files went too.
  for (const id of result.stoppedInstances) lines.push(`  stopped: instance ${id}`);
  for (const resource of result.removed) lines.push(`  removed: ${resource}`);
  for (const failure of result.failures) lines.push(`  left: ${failure.resource}: ${failure.error.message}`);
  return { json, text: lines.join('\n') };
}
