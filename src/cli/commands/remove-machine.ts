import { removeMachines } from '../../machines/index.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { refreshLocalRecords } from '../records/refresh-records.js';

/** `envboot remove-machine ENV ID…`: stops the machines and forgets them; the controller stays. */
export async function runRemoveMachine(context: CommandContext, input: { environment: string; machineIds: readonly string[] }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  const result = await removeMachines({ environ, machineIds: input.machineIds, onEvent: eventSink(context), signal: context.signal });
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  const json = {
    environment: environment.name,
    removed: result.removed,
    failures: result.failures.map((f) => ({ resource: f.resource, message: f.error.message })),
  };
  const lines = result.removed.map((m) => `Removed machine ${m.machineId} (instance ${m.instanceId}).`);
  for (const failure of result.failures) lines.push(`Could not remove ${failure.resource}: ${failure.error.message}`);
  const outcome = { json, text: lines.join('\n') };
  if (result.failures.length === 0) return { outcome };
  return {
    outcome,
    exitCode: 1,
    error: new Error(`${result.failures.length} machine(s) could not be removed; they stay recorded: retry "envboot remove-machine ${environment.name} …"`),
  };
}
