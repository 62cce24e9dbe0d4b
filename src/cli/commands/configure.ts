import type { CloudConfig } from '../../../cloudinit/index.js';
import { quoteIfNeeded } from '../../../cloudinit/script/shell-quote.js';
import { CancelledError, ConfigError, isCancelled, messageOf } from '../../errors/index.js';
import { checkCloudConfigFor } from '../../provision/index.js';
import { bootstrapProgress, loadState, machineRecords, type MachineRecord, type ProviderState } from '../../state/index.js';
import type { Environ } from '../../provider/index.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import { loadCloudConfigFile } from '../config/environments-file.js';
import { eventSink, type CommandContext } from '../context.js';
import { controllerCloudConfig } from '../environment/controller-cloud-config.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { configureMachines, errorOf, type MachineConfigureResult } from './configure-machines.js';

export interface ConfigureInput {
  readonly environment: string;
  /** Machine ids; none means machine 0, the controller. */
  readonly machines: readonly string[];
  /** `--cloud-config FILE`; without it machine 0 gets the environment's `controller-cloud-config`. */
  readonly cloudConfig?: string;
  /** `--timeout`: per machine. */
  readonly timeoutMs?: number;
}

/**
 * `envboot configure ENV [MACHINE…]`: applies a cloud-config again, over SSH with each
 * machine's pinned host key, to machines that are running: the controller's
 * (`controller-cloud-config`) to machine 0 by default, or `--cloud-config FILE` to any.
 * Output streams as bootstrap's configure step does. Every input is checked before any
 * machine is touched (exit 2); a machine that fails makes the exit code 1, the others are
 * configured all the same; one configured that was kept broken is no longer reported so.
 */
export async function runConfigure(context: CommandContext, input: ConfigureInput): Promise<CommandResult> {
  const ids = input.machines.length === 0 ? ['0'] : [...input.machines];
  checkMachineIds(ids, input.environment);
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const groups = await chooseConfigs(context, { environment: environment.name, ids, file: input.cloudConfig, proxies: environment.proxies !== undefined });
  const { environ, state } = await openBootstrapped({ context, environment });
  const clientKey = await requireClientKey(environment);
  const recorded = await recordedState(environ, state, context.signal);
  findMachines(ids, recorded, environment.name);
  const checked = groups.map((group) => ({ ids: group.ids, config: checkCloudConfigFor({ config: group.config, environ, what: group.what }) }));
  const results: MachineConfigureResult[] = [];
  // At most two groups (the controller's config, the proxies alone), one after the other: each runs its machines at once.
  for (const group of checked) {
    results.push(
      ...(await configureMachines({
        environment,
        environ,
        machines: findMachines(group.ids, recorded, environment.name),
        config: group.config,
        proxies: environment.proxies,
        clientKey,
        timeoutMs: input.timeoutMs,
        onEvent: eventSink(context),
        onWarning: (message) => {
          context.reporter.notice('warn', message);
        },
        signal: context.signal,
        logger: context.logger,
      })),
    );
  }
  const outcome = configureOutcome({
    name: environment.name,
    results,
    file: input.cloudConfig,
    bootstrapFailed: bootstrapProgress(recorded).status === 'failed',
    interrupted: context.signal.aborted,
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return { outcome };
  if (context.signal.aborted) {
    const configured = results.filter((r) => r.ok).map((r) => r.machineId);
    const done = configured.length === 0 ? 'no machine was configured' : `configured: machine ${configured.join(', ')}`;
    return { outcome, exitCode: 130, error: new CancelledError(`configure interrupted (${done}); scripts running were stopped`) };
  }
  const first = failed[0]?.error;
  const error = failed.length === 1 ? first : new Error(`${failed.length} of ${results.length} machines failed (${failed.map((r) => r.machineId).join(', ')}); see above`, { cause: first });
  return { outcome, exitCode: 1, error };
}

/** Ids are whole numbers, each given once. */
function checkMachineIds(ids: readonly string[], environment: string): void {
  const malformed = ids.filter((id) => !/^(0|[1-9][0-9]*)$/.test(id));
  if (malformed.length > 0) {
    throw new ConfigError(`${malformed.map((id) => `"${id}"`).join(', ')} ${malformed.length === 1 ? 'is not a machine id' : 'are not machine ids'} (whole numbers such as 0, the controller; "envboot status ${environment}" lists them)`);
  }
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length > 0) throw new ConfigError(`machine ${[...new Set(repeated)].join(', ')} given more than once: give each machine once`);
}

/**
 * What each machine gets: `--cloud-config FILE` for all; otherwise machine 0 its
 * `controller-cloud-config`, and, when the environment sets proxies or an apt mirror,
 * the others (and a controller without a config) those alone, as a changed proxy is
 * pushed to running machines. Without either there is nothing to apply, which is refused.
 */
async function chooseConfigs(
  context: CommandContext,
  params: { environment: string; ids: readonly string[]; file: string | undefined; proxies: boolean },
): Promise<{ ids: string[]; config: CloudConfig; what: string }[]> {
  const { environment, ids } = params;
  if (params.file !== undefined) return [{ ids: [...ids], config: await loadCloudConfigFile(params.file), what: `cloud-config ${params.file}` }];
  const controller = ids.includes('0') ? await controllerCloudConfig(context, environment) : undefined;
  const proxiesOnly = ids.filter((id) => id !== '0' || controller === undefined);
  if (proxiesOnly.length > 0 && !params.proxies) {
    const others = proxiesOnly.filter((id) => id !== '0');
    throw new ConfigError(
      others.length > 0
        ? `machine ${others.join(', ')} ${others.length === 1 ? 'has' : 'have'} no cloud-config envboot knows of (only the controller has one, controller-cloud-config), and environment "${environment}" sets no proxies: give the one to apply with --cloud-config FILE`
        : `environment "${environment}" has no controller-cloud-config in ${context.paths.configFile} and sets no proxies, so machine 0 has nothing to apply again: give the cloud-config to apply with --cloud-config FILE`,
    );
  }
  const groups: { ids: string[]; config: CloudConfig; what: string }[] = [];
  if (controller !== undefined) groups.push({ ids: ['0'], config: controller.config, what: `controller-cloud-config (${controller.source})` });
  if (proxiesOnly.length > 0) groups.push({ ids: proxiesOnly, config: {}, what: `environment "${environment}"'s proxies and apt mirror` });
  return groups;
}

async function recordedState(environ: Environ, state: ProviderState | undefined, signal: AbortSignal): Promise<ProviderState> {
  return state ?? (await loadState({ storage: environ.storage(), signal })).state;
}

function findMachines(ids: readonly string[], state: ProviderState, environment: string): MachineRecord[] {
  const records = machineRecords(state);
  const unknown = ids.filter((id) => !records.some((r) => r.id === id));
  if (unknown.length > 0) {
    const known = records.map((r) => r.id).join(', ') || 'none';
    throw new ConfigError(`environment "${environment}" has no machine ${unknown.join(', ')}; its machines are: ${known} ("envboot status ${environment}" lists them)`);
  }
  return ids.map((id) => records.find((r) => r.id === id) as MachineRecord);
}

function configureOutcome(params: {
  name: string;
  results: readonly MachineConfigureResult[];
  file: string | undefined;
  bootstrapFailed: boolean;
  interrupted: boolean;
}): { json: unknown; text: string } {
  const { name, results } = params;
  const json = {
    environment: name,
    machines: results.map((r) => ({ id: r.machineId, ok: r.ok, elapsedMs: r.elapsedMs, error: errorOf(r), failureCleared: r.failureCleared === true })),
  };
  const failed = results.filter((r) => !r.ok).map((r) => r.machineId);
  const lines = results.map((r) => machineLine(r, { interrupted: params.interrupted, several: failed.length > 1 }));
  // The controller is configured now, but the bootstrap that failed on it did not finish its own steps.
  if (params.bootstrapFailed && results.some((r) => r.ok && r.machineId === '0')) {
    lines.push(`The bootstrap of "${name}" is still recorded as failed: "envboot bootstrap ${name} --resume" finishes it.`);
  }
  const again = `envboot configure ${name} ${failed.join(' ')}${params.file === undefined ? '' : ` --cloud-config ${quoteIfNeeded(params.file)}`}`;
  if (failed.length === 0) lines.push(`Next: envboot status ${name} | envboot exec ${name} ${results[0]?.machineId ?? '0'} -- …`);
  else if (params.interrupted) lines.push(`Next: "${again}" runs it again`);
  else lines.push(`Next: "envboot logs ${name} ${failed[0] ?? '0'} --configure" shows the whole output; fix the cloud-config and run "${again}" again`);
  return { json, text: lines.join('\n') };
}

function machineLine(result: MachineConfigureResult, how: { interrupted: boolean; several: boolean }): string {
  const { machineId } = result;
  if (result.ok) return `Machine ${machineId}: configured in ${formatDuration(result.elapsedMs)}${result.failureCleared === true ? ' (its recorded failure is cleared)' : ''}`;
  if (how.interrupted && isCancelled(result.error)) {
    return result.started
      ? `Machine ${machineId}: interrupted after ${formatDuration(result.elapsedMs)}; its script was stopped, so it may be part-configured`
      : `Machine ${machineId}: not started (interrupted)`;
  }
  const error = errorOf(result);
  // One failure is the command's error, printed whole below: its first line is enough here.
  const message = how.several ? (error?.message ?? '') : firstLine(messageOf(result.error)).replace(/; last (\d+ )?lines of output:$/, '');
  return `Machine ${machineId}: failed (${error?.code ?? 'UNKNOWN'}): ${message}`;
}

/** A word to paste into a shell: quoted only when it needs to be, so the usual path reads as typed. */
function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : text.slice(0, newline);
}
