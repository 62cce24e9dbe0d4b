import { ConfigError } from '../../errors/index.js';
import { exposePorts, formatIngressRule, formatPortRange, parseExposeRequest, parsePortRanges, parseSources, requireFirewall, unexposePorts } from '../../firewall/index.js';
import type { IngressRule } from '../../provider/index.js';
import { runPhase } from '../../provision/index.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';

export interface PortsInput {
  readonly environment: string;
  /** Port ranges as given: `443`, `8000-8100/tcp`, `53/udp`. */
  readonly ports: readonly string[];
  /** `--from`, each an address range; absent: everyone (expose) or every source (unexpose). */
  readonly from?: readonly string[] | undefined;
}

/**
 * `envboot expose ENV PORTS… [--from CIDR…]`: opens ports of every machine of the
 * environment to outside sources, through the provider's firewall. Bad ports or ranges,
 * and a provider without a firewall, are exit 2 before anything changes.
 */
export async function runExpose(context: CommandContext, input: PortsInput): Promise<CommandResult> {
  const parsed = parseExposeRequest({ ports: input.ports, from: input.from }, { ports: 'PORTS', from: '--from' });
  if (parsed.problems.length > 0) throw new ConfigError('nothing was opened:', { problems: parsed.problems });
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  requireFirewall(environ);
  const result = await runPhase({
    phase: 'open-ports',
    onEvent: eventSink(context),
    timings: [],
    run: () => exposePorts({ environ, rules: parsed.rules, signal: context.signal }),
  });
  const text = [
    ...result.opened.map((rule) => `Opened ${formatIngressRule(rule)}.`),
    ...result.alreadyOpen.map((rule) => `Already open: ${formatIngressRule(rule)}.`),
    openSummary(environment.name, result.open),
  ].join('\n');
  return { outcome: { json: { environment: environment.name, opened: result.opened, alreadyOpen: result.alreadyOpen, open: result.open }, text } };
}

/**
 * `envboot unexpose ENV PORTS… [--from CIDR…]`: closes port ranges, from the given sources
 * or from every source. What is not open is reported, not an error; part of an open
 * range is refused (exit 2) with what to do.
 */
export async function runUnexpose(context: CommandContext, input: PortsInput): Promise<CommandResult> {
  const ranges = parsePortRanges(input.ports, 'PORTS');
  const sources = input.from === undefined ? undefined : parseSources(input.from, '--from');
  const problems = [...ranges.problems, ...(sources?.problems ?? [])];
  if (problems.length > 0) throw new ConfigError('nothing was closed:', { problems });
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  requireFirewall(environ);
  const result = await runPhase({
    phase: 'close-ports',
    onEvent: eventSink(context),
    timings: [],
    run: () => unexposePorts({ environ, ranges: ranges.ranges, from: sources?.cidrs, signal: context.signal }),
  });
  const text = [
    ...result.closed.map((rule) => `Closed ${formatIngressRule(rule)}.`),
    ...result.notOpen.map((rule) => `Not open: ${rule.sourceCidrs.length === 0 ? formatPortRange(rule) : formatIngressRule(rule)}.`),
    ...result.kept.map((rule) => `Kept open: ${formatIngressRule(rule)}: envboot needs it.`),
    openSummary(environment.name, result.open),
  ].join('\n');
  return { outcome: { json: { environment: environment.name, closed: result.closed, notOpen: result.notOpen, kept: result.kept, open: result.open }, text } };
}

function openSummary(name: string, open: readonly IngressRule[]): string {
  if (open.length === 0) return `Nothing of "${name}" is open to outside sources.`;
  return `Open on every machine of "${name}": ${open.map(formatIngressRule).join('; ')}.`;
}
