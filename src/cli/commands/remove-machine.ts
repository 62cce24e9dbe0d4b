import { removeMachines } from '../../machines/index.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { refreshLocalRecords } from '../records/refresh-records.js';

/**
 * `envboot remove-machine ENV ID…`: stops the machines and forgets them; the controller
 * stays. An ID is a machine id, or an instance id: a recorded machine's, or one `status`
 * lists as unrecorded (left by a killed run), which is stopped.
 */
export async function runRemoveMachine(context: CommandContext, input: { environment: string; ids: readonly string[] }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  const result = await removeMachines({ environ, ids: input.ids, onEvent: eventSink(context), signal: context.signal });
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  const json = {
    environment: environment.name,
    removed: result.removed,
    removedUnrecorded: result.removedUnrecorded,
    failures: result.failures.map((f) => ({ resource: f.resource, message: f.error.message })),
  };
  const lines = [
    ...result.removed.map((m) => `Removed machine ${m.machineId} (instance ${m.instanceId}).`),
    ...result.removedUnrecorded.map((id) => `Removed unrecorded instance ${id}.`),
    ...result.failures.map((f) => `Could not remove ${f.resource}: ${f.error.message}`),
  ];
  const outcome = { json, text: lines.join('\n') };
  if (result.failures.length === 0) return { outcome };
  const left = input.ids.filter((id) => !result.removed.some((m) => m.machineId === id || m.instanceId === id) && !result.removedUnrecorded.includes(id));
  return {
    outcome,
    exitCode: 1,
    error: new Error(
      `${result.failures.length} machine(s) could not be removed; recorded ones stay recorded: retry "envboot remove-machine ${environment.name} ${left.join(' ')}"`,
    ),
  };
}
