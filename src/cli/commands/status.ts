import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { collectMachines, type CollectedMachines } from '../environment/collect-machines.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { TagKey } from '../../provider/index.js';
import { printableExcerpt } from '../../state/printable-excerpt.js';
import { describeAddresses, describeHardware, formatTable } from '../output/describe-machine.js';
import { refreshLocalRecords } from '../records/refresh-records.js';

/**
 * `envboot status [ENV]`: the machines provider-state records, each with what the
 * provider says of its instance now; instances that carry the environment's tag but are
 * not recorded (a crash between start and record) are listed apart. Refreshes the local
 * pinned host keys and machine cache as it goes. When provider-state is gone, it says so
 * and lists every instance that carries the environment's tag: what destroy removes.
 */
export async function runStatus(context: CommandContext, input: { environment: string | undefined }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ, record, state } = await openBootstrapped({ context, environment });
  const collected = await collectMachines({ environ, state, allowMissingState: true, signal: context.signal });
  // Without provider-state there are no host keys to pin: this client's records stay as they are.
  if (collected.state !== undefined) await refreshLocalRecords({ environ, dir: environment.dir, collected, signal: context.signal });
  const location = environ.storage().description;
  const json = {
    environment: { name: environment.name, uuid: record.uuid, provider: environ.provider },
    providerState: { location, missing: collected.state === undefined },
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

interface StatusTextParams {
  readonly name: string;
  readonly provider: string;
  readonly uuid: string;
  readonly location: string;
  readonly collected: CollectedMachines;
}

function statusText(params: StatusTextParams): string {
  const { collected } = params;
  if (collected.state === undefined) return missingStateText(params);
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
      `(left by an interrupted run; "envboot remove-machine ${params.name} ${collected.unrecorded.map((i) => i.id).join(' ')}" removes them).`,
    );
  }
  return lines.join('\n');
}

/** provider-state is gone: no machine is recorded, but the tag still finds every instance. */
function missingStateText(params: StatusTextParams): string {
  const { collected } = params;
  const rows = collected.unrecorded.map((instance) => [
    instance.id,
    // A tag anyone with the cloud's tagging permission can set.
    printableExcerpt(instance.tags[TagKey.MachineId] ?? '-', 20),
    instance.status,
    instance.zone ?? '-',
    describeAddresses(instance.addresses),
  ]);
  const lines = [
    `Environment:    ${params.name} (provider ${params.provider})`,
    `UUID:           ${params.uuid}`,
    `provider-state: missing from ${params.location}`,
    '',
  ];
  if (rows.length === 0) {
    lines.push(`No machine is recorded and no instance carries this environment's tag; "envboot destroy ${params.name}" forgets the environment.`);
    return lines.join('\n');
  }
  lines.push(
    `No machine is recorded (provider-state is gone); these instances carry this environment's tag:`,
    '',
    formatTable(['Instance', 'Machine', 'Status', 'Zone', 'Addresses'], rows),
    '',
    `"envboot destroy ${params.name}" removes them all: it finds them by the tag.`,
  );
  return lines.join('\n');
}
