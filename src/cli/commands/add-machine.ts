import { BootstrapUnfinishedError, ConfigError, consoleOf, exitCodeFor } from '../../errors/index.js';
import { bootstrapProgress } from '../../state/index.js';
import { unfinishedMessage } from '../environment/unfinished.js';
import { cloudConfigDigest, fileProofKeeper } from '../records/machine-proofs.js';
import { addMachines, type AddMachinesResult } from '../../machines/index.js';
import type { FlowEvent } from '../../provision/events.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { addMachineInputs } from '../environment/add-machine-inputs.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { palette } from '../output/color.js';
import { consoleBlock } from '../output/console-block.js';
import { describeAddresses, formatTable, machineJson } from '../output/describe-machine.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import type { GivenPlacementFlags } from '../placement-options.js';
import { cleanupSummary } from './cleanup-summary.js';

export interface AddMachineInput {
  readonly environment: string;
  readonly count: number;
  /** The provider flags given (`--host` for the manual provider), for the environment's provider. */
  readonly placementFlags?: GivenPlacementFlags | undefined;
  /** Whether `-n` was given (when the flags name machines, they decide the count). */
  readonly countGiven?: boolean;
  readonly constraints?: string;
  readonly zones?: readonly string[];
  readonly cloudConfig?: string;
  /** Keep machines that fail after they started, for `envboot logs`. */
  readonly keepBroken?: boolean;
  /** `--resume`: go on with the machines an interrupted add-machine left pending instead of adding new ones. */
  readonly resume?: boolean;
}

/**
 * `envboot add-machine ENV`: starts machines spread over the zones, proves and configures
 * each. Some machines may fail while others succeed: those that succeeded are kept and
 * listed, the failures are listed with their reasons, and the exit code is 1.
 */
export async function runAddMachine(context: CommandContext, input: AddMachineInput): Promise<CommandResult> {
  const { environment, placements, count, machine: inputs } = await addMachineInputs(context, input);
  if (input.resume === true && (input.countGiven === true || placements.length > 0)) {
    throw new ConfigError(`--resume goes on with the machines an interrupted add-machine left pending; -n and the provider flags add new ones: give one or the other`);
  }
  const { environ, state } = await openBootstrapped({ context, environment });
  // The same words as status and bootstrap: machines join a controller that is there and configured.
  if (state !== undefined && bootstrapProgress(state).status !== 'complete') throw new BootstrapUnfinishedError(unfinishedMessage(environment.name));
  const clientKey = await requireClientKey(environment);
  const cleanup: FlowEvent[] = [];
  const sink = eventSink(context);
  const onEvent = (event: FlowEvent): void => {
    if (event.type.startsWith('cleanup.')) cleanup.push(event);
    sink(event);
  };
  const proofs = fileProofKeeper(environment.dir, {
    command: `envboot add-machine ${environment.name}${input.resume === true ? ' --resume' : ''}`,
    configDigest: cloudConfigDigest(inputs.cloudConfig),
  });
  if (input.resume === true) {
    const { resumeAddMachine } = await import('./add-machine-resume.js');
    return resumeAddMachine({ context, environment, environ, clientKey, proofs, inputs, input, onEvent, cleanup });
  }
  const result = await addMachines({
    environ,
    count,
    placements: placements.length === 0 ? undefined : placements,
    constraints: inputs.constraints,
    clientKey,
    keepBroken: input.keepBroken === true,
    proofs,
    onEvent,
    signal: context.signal,
    cleanupSignal: context.cleanupSignal,
    ...(input.zones === undefined || input.zones.length === 0 ? {} : { zones: input.zones }),
    ...(inputs.cloudConfig === undefined ? {} : { config: inputs.cloudConfig }),
    proxies: environment.proxies,
  });
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  return addMachineResult({ context, name: environment.name, result, cleanup, input });
}

/** The command's result: the machines added and those that failed, with the exit code a partial failure gets. */
export function addMachineResult(params: {
  context: CommandContext;
  name: string;
  result: AddMachinesResult;
  cleanup: readonly FlowEvent[];
  input: AddMachineInput;
  extra?: { json: Record<string, unknown>; lines: readonly string[] };
}): CommandResult {
  const { context, result, input } = params;
  const base = addMachineOutcome(params.name, result);
  const outcome =
    params.extra === undefined
      ? base
      : { json: { ...(base.json as Record<string, unknown>), ...params.extra.json }, text: [...params.extra.lines, base.text].filter((t) => t !== '').join('\n') };
  if (result.failures.length === 0) return { outcome };
  const cleanup = params.cleanup;
  const environment = { name: params.name };
  cleanupSummary({ context, environment: environment.name, events: cleanup, keptBroken: input.keepBroken === true, flow: 'add-machine' });
  const failedIds = result.failures.map((f) => f.machineId).join(', ');
  const first = result.failures[0]?.error;
  // When nothing started, the exit code says why (interrupted 130, credentials 3); otherwise it is a partial failure.
  const exitCode = result.machines.length === 0 ? exitCodeFor(first) : 1;
  const total = result.machines.length + result.failures.length;
  const error = result.failures.length === 1 ? first : new Error(`${result.failures.length} of ${total} machine(s) failed (${failedIds}); see above`, { cause: first });
  return { outcome, exitCode, error };
}

function addMachineOutcome(name: string, result: AddMachinesResult): { json: unknown; text: string } {
  const json = {
    environment: name,
    machines: result.machines.map(machineJson),
    failures: result.failures.map((f) => {
      const excerpt = consoleOf(f.error);
      return { machineId: f.machineId, code: f.code, message: f.error.message, ...(excerpt === undefined ? {} : { console: excerpt }) };
    }),
    instanceType: result.instanceType ?? null,
    phases: result.phases,
    elapsedMs: result.elapsedMs,
  };
  const lines: string[] = [];
  if (result.machines.length > 0) {
    lines.push(`Added ${result.machines.length} machine(s) to "${name}" in ${formatDuration(result.elapsedMs)}:`);
    lines.push(formatTable(['Machine', 'Instance', 'Zone', 'Addresses'], result.machines.map((m) => [m.id, m.instance.id, m.zone ?? '-', describeAddresses(m.addresses)])));
  }
  for (const failure of result.failures) {
    lines.push(`Machine ${failure.machineId} failed (${failure.code}): ${failure.error.message}`);
    // One failure is the command's error, which shows its console itself.
    const excerpt = result.failures.length > 1 ? consoleOf(failure.error) : undefined;
    if (excerpt !== undefined) lines.push(...consoleBlock(excerpt, palette(false)));
  }
  return { json, text: lines.join('\n') };
}
