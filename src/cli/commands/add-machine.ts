import { ConfigError, consoleOf, exitCodeFor } from '../../errors/index.js';
import { addMachines, type AddMachinesResult } from '../../machines/index.js';
import type { FlowEvent } from '../../provision/events.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { machineInputs } from '../environment/machine-inputs.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { applyPlacementFlags } from '../environment/apply-placement-flags.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
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
}

/**
 * `envboot add-machine ENV`: starts machines spread over the zones, proves and configures
 * each. Some machines may fail while others succeed: those that succeeded are kept and
 * listed, the failures are listed with their reasons, and the exit code is 1.
 */
export async function runAddMachine(context: CommandContext, input: AddMachineInput): Promise<CommandResult> {
  const resolved = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environment, placements } = await applyPlacementFlags({ context, environment: resolved, command: 'add-machine', flags: input.placementFlags });
  if (placements.length > 0 && input.countGiven === true && input.count !== placements.length) {
    const named = Object.keys(input.placementFlags?.values ?? {}).map((flag) => `--${flag}`).join(', ');
    throw new ConfigError(`-n ${String(input.count)} does not match the ${String(placements.length)} machines the flags name (${named}): each is one machine; drop -n`);
  }
  const count = placements.length > 0 ? placements.length : input.count;
  const inputs = await machineInputs({ environment, constraints: input.constraints, cloudConfig: input.cloudConfig, controller: false });
  const { environ } = await openBootstrapped({ context, environment });
  const clientKey = await requireClientKey(environment);
  const cleanup: FlowEvent[] = [];
  const sink = eventSink(context);
  const result = await addMachines({
    environ,
    count,
    placements: placements.length === 0 ? undefined : placements,
    constraints: inputs.constraints,
    clientKey,
    keepBroken: input.keepBroken === true,
    onEvent: (event) => {
      if (event.type.startsWith('cleanup.')) cleanup.push(event);
      sink(event);
    },
    signal: context.signal,
    cleanupSignal: context.cleanupSignal,
    ...(input.zones === undefined || input.zones.length === 0 ? {} : { zones: input.zones }),
    ...(inputs.cloudConfig === undefined ? {} : { config: inputs.cloudConfig }),
  });
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  const outcome = addMachineOutcome(environment.name, result);
  if (result.failures.length === 0) return { outcome };
  cleanupSummary({ context, environment: environment.name, events: cleanup, keptBroken: input.keepBroken === true });
  const failedIds = result.failures.map((f) => f.machineId).join(', ');
  const first = result.failures[0]?.error;
  // When nothing started, the exit code says why (interrupted 130, credentials 3); otherwise it is a partial failure.
  const exitCode = result.machines.length === 0 ? exitCodeFor(first) : 1;
  const error = result.failures.length === 1 ? first : new Error(`${result.failures.length} of ${input.count} machine(s) failed (${failedIds}); see above`, { cause: first });
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
