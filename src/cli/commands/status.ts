import type { MachineProxySettings } from '../../../cloudinit/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { bootstrapView, type BootstrapView } from '../environment/bootstrap-view.js';
import { collectMachines, type CollectedMachines } from '../environment/collect-machines.js';
import { defaultsLine, defaultsView, type DefaultsView } from '../environment/defaults-view.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { messageOf } from '../../errors/index.js';
import { formatIngressRule } from '../../firewall/index.js';
import { TagKey, hasFirewall, type Environ, type IngressRule } from '../../provider/index.js';
import { describeAddresses, describeHardware, formatTable } from '../output/describe-machine.js';
import { proxyJson, proxyLines } from '../output/proxy-lines.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { expiryLine, expiryView, type ExpiryView } from './status-expiry.js';
import { bootstrapJson, failureJson, shown, statusCell, statusNotes } from './status-view.js';

/**
 * `envboot status [ENV]`: the machines provider-state records, each with what the
 * provider says of its instance now; instances that carry the environment's tag but are
 * not recorded (a crash between start and record) are listed apart. A machine that is not
 * plainly fine (a failure recorded when it was kept, the provider's message on an instance
 * that is not running) and a bootstrap that did not complete get their reason, in the
 * table and in full below it, with what to do. Refreshes the local pinned host keys and
 * machine cache as it goes. When provider-state is gone, it says so and lists every
 * instance that carries the environment's tag: what destroy removes.
 */
export async function runStatus(context: CommandContext, input: { environment: string | undefined }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ, record, state } = await openBootstrapped({ context, environment });
  // Asked together: the firewall's answer costs no extra wait.
  const [collected, ports, defaults] = await Promise.all([
    collectMachines({ environ, state, allowMissingState: true, signal: context.signal }),
    openPorts(environ, context.signal),
    defaultsView({ environ, constraints: environment.constraints, signal: context.signal }),
  ]);
  // Without provider-state there are no host keys to pin: this client's records stay as they are.
  if (collected.state !== undefined) await refreshLocalRecords({ environ, dir: environment.dir, collected, signal: context.signal });
  const bootstrap = await bootstrapView({ state: collected.state, name: environment.name, dir: environment.dir });
  const location = environ.storage().description;
  const expiry = expiryView(collected.state, new Date());
  const json = {
    environment: { name: environment.name, uuid: record.uuid, provider: environ.provider },
    providerState: { location, missing: collected.state === undefined },
    expiry: expiry === undefined ? null : { at: expiry.at, expired: expiry.expired },
    openPorts: ports === undefined ? null : 'error' in ports ? { error: ports.error } : ports.rules,
    defaults: defaults ?? null,
    proxies: proxyJson(environment.proxies),
    bootstrap: bootstrapJson(bootstrap),
    machines: collected.machines.map(({ record: machine, instance, controller }) => ({
      id: machine.id,
      instanceId: machine.instanceId,
      controller,
      status: instance?.status ?? 'missing',
      statusMessage: instance?.statusMessage ?? null,
      failure: failureJson(machine.failure),
      zone: instance?.zone ?? machine.zone ?? null,
      addresses: instance?.addresses ?? [],
      hardware: instance?.hardware ?? null,
    })),
    unrecordedInstances: collected.unrecorded.map((i) => ({
      instanceId: i.id,
      status: i.status,
      statusMessage: i.statusMessage ?? null,
      zone: i.zone ?? null,
      tags: i.tags,
    })),
  };
  const text = statusText({ name: environment.name, provider: environ.provider, uuid: record.uuid, location, collected, bootstrap, ports, defaults, proxies: environment.proxies, expiry });
  return { outcome: { json, text } };
}

interface StatusTextParams {
  readonly name: string;
  readonly provider: string;
  readonly uuid: string;
  readonly location: string;
  readonly collected: CollectedMachines;
  readonly bootstrap: BootstrapView | undefined;
  readonly ports: OpenPorts | undefined;
  readonly expiry: ExpiryView | undefined;
  readonly defaults: DefaultsView | undefined;
  readonly proxies: MachineProxySettings | undefined;
}

/** What the provider's firewall has open; undefined for a provider without one. A failed read is shown, not fatal. */
type OpenPorts = { readonly rules: readonly IngressRule[] } | { readonly error: string };

async function openPorts(environ: Environ, signal: AbortSignal): Promise<OpenPorts | undefined> {
  if (!hasFirewall(environ)) return undefined;
  try {
    return { rules: await environ.ingressRules({ signal }) };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function portsLine(name: string, ports: OpenPorts | undefined): string[] {
  if (ports === undefined) return [];
  if ('error' in ports) return [`Open ports:     could not be read: ${ports.error}`];
  if (ports.rules.length === 0) return [`Open ports:     none ("envboot expose ${name} PORT" opens one)`];
  return [`Open ports:     ${ports.rules.map(formatIngressRule).join('; ')}`];
}

function statusText(params: StatusTextParams): string {
  const { collected } = params;
  if (collected.state === undefined) return missingStateText(params);
  const rows = collected.machines.map((view) => [
    view.controller ? `${shown(view.record.id, 20)}*` : shown(view.record.id, 20),
    shown(view.record.instanceId),
    statusCell(view, params.bootstrap),
    shown(view.instance?.zone ?? view.record.zone ?? '-', 40),
    describeAddresses(view.instance?.addresses ?? []),
    describeHardware(view.instance?.hardware),
  ]);
  const lines = [
    `Environment:    ${params.name} (provider ${params.provider})`,
    `UUID:           ${params.uuid}`,
    `provider-state: ${params.location}`,
    ...expiryLine({ view: params.expiry, name: params.name, provider: params.provider }),
    ...portsLine(params.name, params.ports),
    ...defaultsLine(params.defaults),
    ...proxyLines(params.proxies, 'Proxies:'),
    '',
    formatTable(['Machine', 'Instance', 'Status', 'Zone', 'Addresses', 'Hardware'], rows),
    '(* controller)',
    ...statusNotes({ name: params.name, machines: collected.machines, bootstrap: params.bootstrap }),
  ];
  const missing = collected.machines.filter((m) => m.instance === undefined);
  const gone = missing.filter((m) => !m.controller).map((m) => shown(m.record.id, 20));
  if (gone.length > 0) {
    lines.push('', `Machines whose instance is gone: ${gone.join(', ')}; "envboot remove-machine ${params.name} ${gone.join(' ')}" forgets them.`);
  }
  if (missing.some((m) => m.controller)) {
    lines.push('', `The controller's instance is gone: the environment cannot work without it; "envboot destroy ${params.name}" removes the rest.`);
  }
  if (collected.unrecorded.length > 0) {
    const ids = collected.unrecorded.map((i) => shown(i.id));
    lines.push(
      '',
      `Instances with this environment's tag that provider-state does not list: ${ids.join(', ')}`,
      `(left by an interrupted run; "envboot adopt ${params.name} ${ids.join(' ')}" records them as machines once proven,`,
      `"envboot remove-machine ${params.name} ${ids.join(' ')}" removes them).`,
    );
  }
  return lines.join('\n');
}

/** provider-state is gone: no machine is recorded, but the tag still finds every instance. */
function missingStateText(params: StatusTextParams): string {
  const { collected } = params;
  const rows = collected.unrecorded.map((instance) => [
    shown(instance.id),
    // A tag anyone with the cloud's tagging permission can set.
    shown(instance.tags[TagKey.MachineId] ?? '-', 20),
    instance.status,
    shown(instance.zone ?? '-', 40),
    describeAddresses(instance.addresses),
  ]);
  const lines = [
    `Environment:    ${params.name} (provider ${params.provider})`,
    `UUID:           ${params.uuid}`,
    `provider-state: missing from ${params.location}`,
    ...statusNotes({ name: params.name, machines: [], bootstrap: params.bootstrap }),
    '',
  ];
  if (rows.length === 0 && params.bootstrap?.status === 'in-progress') {
    lines.push(`No machine is recorded yet: the bootstrap has not claimed provider-state.`);
    return lines.join('\n');
  }
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
