import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import type { CollectedMachines } from '../environment/collect-machines.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { describeAddresses, describeHardware, formatTable } from '../output/describe-machine.js';
import { refreshLocalRecords } from '../records/refresh-records.js';

/**
 * `envboot status [ENV]`: the machines provider-state records, each with what the
 * provider says of its instance now; instances that carry the environment's tag but are
 * not recorded (a crash between start and record) are listed apart. Refreshes the local
 * pinned host keys and machine cache as it goes.
 */
export async function runStatus(context: CommandContext, input: { environment: string | undefined }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ, record, state } = await openBootstrapped({ context, environment });
  const collected = await refreshLocalRecords({ environ, dir: environment.dir, state, signal: context.signal });
  const location = environ.storage().description;
  const json = {
    environment: { name: environment.name, uuid: record.uuid, provider: environ.provider },
    providerState: { location },
    machines: collected.machines.map(({ record: machine, instance, controller }) => ({
      id: machine.id,
      instanceId: machine.instanceId,
      controller,
      status: instance?.status ?? 'missing',
      zone: instance?.zone ?? machine.zone ?? null,
      addresses: instance?.addresses ?? [],
      hardware: instance?.hardware ?? null,
    })),
    unrecordedInstances: collected.unrecorded.map((i) => ({ instanceId: i.id, status: i.status, zone: i.zone ?? null, tags: i.tags })),
  };
  return { outcome: { json, text: statusText({ name: environment.name, provider: environ.provider, uuid: record.uuid, location, collected }) } };
}

function statusText(params: { name: string; provider: string; uuid: string; location: string; collected: CollectedMachines }): string {
  const { collected } = params;
  const rows = collected.machines.map(({ record, instance, controller }) => [
    controller ? `${record.id}*` : record.id,
    record.instanceId,
    instance?.status ?? 'missing',
    instance?.zone ?? record.zone ?? '-',
    describeAddresses(instance?.addresses ?? []),
    describeHardware(instance?.hardware),
  ]);
  const lines = [
    `Environment:    ${params.name} (provider ${params.provider})`,
    `UUID:           ${params.uuid}`,
    `provider-state: ${params.location}`,
    '',
    formatTable(['Machine', 'Instance', 'Status', 'Zone', 'Addresses', 'Hardware'], rows),
    '(* controller)',
  ];
  const missing = collected.machines.filter((m) => m.instance === undefined);
  const gone = missing.filter((m) => !m.controller).map((m) => m.record.id);
  if (gone.length > 0) {
    lines.push('', `Machines whose instance is gone: ${gone.join(', ')}; "envboot remove-machine ${params.name} ${gone.join(' ')}" forgets them.`);
  }
  if (missing.some((m) => m.controller)) {
    lines.push('', `The controller's instance is gone: the environment cannot work without it; "envboot destroy ${params.name}" removes the rest.`);
  }
  if (collected.unrecorded.length > 0) {
    lines.push(
      '',
      `Instances with this environment's tag that provider-state does not list: ${collected.unrecorded.map((i) => i.id).join(', ')}`,
      `(left by an interrupted run; "envboot destroy ${params.name}" removes them with the rest).`,
    );
  }
  return lines.join('\n');
}
