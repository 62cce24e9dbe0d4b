import { formatIngressRule } from '../../firewall/index.js';
import type { RunPlan, PlannedInstanceType, PlannedMachine } from '../../plan/index.js';
import { formatConstraintDefault, formatConstraints, type PlannedCall } from '../../provider/index.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { formatTable } from './describe-machine.js';
import { optionPairs, optionsJson } from './option-lines.js';
import { proxyJson, proxyLines } from './proxy-lines.js';
import type { CommandOutcome } from './reporter.js';

/** What a `--dry-run` shows: the plan, and the environment as the command resolved it. */
export interface PlanViewParams {
  readonly plan: RunPlan;
  readonly environment: ResolvedEnvironment;
  /** Where the cloud-config comes from (`--cloud-config FILE`, the controller-cloud-config path, `inline`); absent without one. */
  readonly cloudConfigSource?: string | undefined;
  /** The UUID was made for the plan (the environment has none yet): a real bootstrap makes another. */
  readonly newUuid: boolean;
}

export const dryRunFooter = 'Nothing was created: this was a dry run.';

/** The plan for people (one screen: environment, machines, provider, calls) and as one JSON document. */
export function planOutcome(params: PlanViewParams): CommandOutcome {
  return { json: planJson(params), text: planText(params) };
}

function planText(params: PlanViewParams): string {
  const { plan } = params;
  const [first] = plan.machines;
  const what = plan.kind === 'bootstrap' ? `bootstrap of "${plan.environment.name}"` : `add-machine to "${plan.environment.name}"`;
  return [
    `Plan for the ${what} on ${plan.provider} (dry run)`,
    '',
    ...section('Environment', environmentLines(params)),
    ...section(`Machines (${plan.zoneOrder === 'fail-over' ? 'zones tried in order' : 'each takes the least populated of its zones first'})`, machineLines(plan)),
    ...section(`Provider (${plan.provider})`, first?.provider === undefined ? ['(no plan ability: see the notes)'] : providerLines(plan.machines)),
    ...section(`Calls a real run makes (* changes something; ${String(plan.calls.filter((c) => c.writes).length)} of ${String(plan.calls.length)})`, callLines(plan.calls)),
    ...(plan.permissions.length === 0 ? [] : section('Permissions it needs', permissionLines(plan.permissions))),
    ...(plan.warnings.length === 0 ? [] : section('Warnings', plan.warnings.map((w) => `- ${w}`))),
    ...(plan.notes.length === 0 ? [] : section('Notes', plan.notes.map((n) => `- ${n}`))),
    dryRunFooter,
  ].join('\n');
}

function section(title: string, lines: readonly string[]): string[] {
  return [title, ...lines.map((line) => `  ${line}`), ''];
}

function environmentLines(params: PlanViewParams): string[] {
  const { plan, environment } = params;
  const defined = environment.defined ? `defined in ${environment.file.path}` : 'not in environments.yaml: the provider\'s defaults';
  const uuid = params.newUuid ? `${plan.environment.uuid} (made for this plan; a real bootstrap makes its own)` : plan.environment.uuid;
  return [
    `name:           ${plan.environment.name} (${defined})`,
    `uuid:           ${uuid}`,
    `provider:       ${plan.provider}`,
    ...wrapped(optionPairs(environment.options), 'options:        '),
    `constraints:    ${formatConstraints(plan.constraints) || '(none)'}`,
    ...(plan.defaults.length === 0 ? [] : [`defaults:       ${plan.defaults.map(formatConstraintDefault).join(' ')}`]),
    `cloud-config:   ${params.cloudConfigSource === undefined ? '(none)' : `${params.cloudConfigSource}, run over SSH as a ${String(plan.cloudConfigBytes ?? 0)}-byte script`}`,
    ...(plan.kind === 'bootstrap' ? [`expose:         ${plan.expose.length === 0 ? '(nothing)' : plan.expose.map(formatIngressRule).join('; ')}`] : []),
    ...proxyLines(environment.proxies, 'proxies:', ' (applied by each machine\'s configure step)'),
    `provider-state: ${plan.storage}`,
    `user-data:      ${userDataText(plan)}`,
  ];
}

/** Items joined by spaces on lines of at most `width` columns, the first after `label`, the rest under it. */
function wrapped(items: readonly string[], label: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line !== '' && label.length + line.length + 1 + item.length > width) {
      lines.push(line);
      line = item;
    } else {
      line = line === '' ? item : `${line} ${item}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((text, index) => `${index === 0 ? label : ' '.repeat(label.length)}${text}`);
}

/** `ec2: A B …` and `s3: C …`: the actions by service, wrapped. */
function permissionLines(permissions: readonly string[]): string[] {
  const services = [...new Set(permissions.map((action) => action.split(':')[0] ?? ''))];
  return services.flatMap((service) => {
    const names = permissions.filter((action) => action.startsWith(`${service}:`)).map((action) => action.slice(service.length + 1));
    return wrapped(names, `${service}: `.padEnd(5));
  });
}

function userDataText(plan: RunPlan): string {
  const { bytes, limit, gzip } = plan.userData;
  return `${String(bytes)} bytes${gzip ? ' gzipped' : ''} of the provider's ${String(limit)}-byte limit (${String(Math.ceil((bytes / limit) * 100))}%)`;
}

function machineLines(plan: RunPlan): string[] {
  const placed = plan.machines.some((m) => m.placement !== undefined);
  const typed = plan.machines.some((m) => m.instanceType !== undefined);
  const rows = plan.machines.map((m) => [
    m.controller ? `${m.machineId} (controller)` : m.machineId,
    ...(typed ? [m.instanceType?.name ?? '-', priceText(m.instanceType)] : []),
    m.zones.length === 0 ? '(no zones)' : m.zones.join(', '),
    ...(placed ? [m.placement ?? '-'] : []),
  ]);
  const header = ['Machine', ...(typed ? ['Type', '$/hour'] : []), 'Zones, in order', ...(placed ? ['Placement'] : [])];
  const table = formatTable(header, rows).split('\n');
  const type = plan.machines[0]?.instanceType;
  return [...table, ...(type === undefined ? [] : [typeReason(type)])];
}

function priceText(type: PlannedInstanceType | undefined): string {
  return type?.pricePerHour === undefined ? '-' : `$${String(type.pricePerHour)}`;
}

function typeReason(type: PlannedInstanceType): string {
  const monthly = type.pricePerHour === undefined ? '' : `, about $${(type.pricePerHour * 730).toFixed(2)} a month`;
  const next = type.alternatives.map((alt) => `${alt.name}${alt.pricePerHour === undefined ? '' : ` $${String(alt.pricePerHour)}`}`).join(', ');
  return `${type.name}: ${type.reason} (${String(type.cores)} cores, ${String(type.memoryMiB)} MiB, ${type.arch}${monthly})${next === '' ? '' : `; next: ${next}`}`;
}

/** The provider's image, network and resources: once when every machine shares them, per machine otherwise (manual hosts). */
function providerLines(machines: readonly PlannedMachine[]): string[] {
  const per = (machine: PlannedMachine): string[] => {
    const plan = machine.provider;
    if (plan === undefined) return [];
    return [
      ...(plan.image === undefined ? [] : [`image:    ${plan.image.id}${plan.image.description === undefined ? '' : ` (${plan.image.description})`}: ${plan.image.source}`]),
      ...(plan.network === undefined ? [] : [`network:  ${plan.network.description}`]),
      ...(plan.network?.subnets === undefined ? [] : [`subnets:  ${plan.network.subnets.map((s) => `${s.zone} ${s.subnet}`).join(', ')}`]),
      ...plan.resources.map((r) => `${`${r.action}:`.padEnd(10)}${r.kind} ${r.name}${r.detail === undefined ? '' : ` (${r.detail})`}`),
    ];
  };
  const all = machines.map(per);
  const [first = []] = all;
  if (all.every((lines) => lines.join('\n') === first.join('\n'))) return first;
  return machines.flatMap((machine, index) => [`machine ${machine.machineId}:`, ...(all[index] ?? []).map((line) => `  ${line}`)]);
}

function callLines(calls: readonly PlannedCall[]): string[] {
  return formatTable(['Step', '', 'Call', 'For'], calls.map((c) => [c.step, c.writes ? '*' : ' ', c.action, c.purpose])).split('\n');
}

function planJson(params: PlanViewParams): unknown {
  const { plan, environment } = params;
  return {
    dryRun: true,
    kind: plan.kind,
    environment: {
      name: plan.environment.name,
      uuid: plan.environment.uuid,
      uuidMadeForPlan: params.newUuid,
      provider: plan.provider,
      defined: environment.defined,
      configFile: environment.file.path,
      options: optionsJson(environment.options),
      constraints: formatConstraints(plan.constraints),
      defaults: plan.defaults.map((d) => ({ field: d.field, value: d.value, why: d.why, text: formatConstraintDefault(d) })),
      cloudConfig: params.cloudConfigSource === undefined ? null : { source: params.cloudConfigSource, scriptBytes: plan.cloudConfigBytes ?? null },
      expose: plan.expose,
      proxies: proxyJson(environment.proxies),
      providerState: plan.storage,
    },
    zoneOrder: plan.zoneOrder,
    machines: plan.machines.map((m) => ({
      id: m.machineId,
      controller: m.controller,
      instanceType: m.instanceType ?? null,
      zones: m.zones,
      placement: m.placement ?? null,
      provider: m.provider ?? null,
    })),
    userData: plan.userData,
    calls: plan.calls,
    permissions: plan.permissions,
    warnings: plan.warnings,
    notes: plan.notes,
  };
}
