import { ConfigError, type Problem } from '../errors/index.js';
import { hasFirewall, type Environ, type FirewalledEnviron, type IngressRule } from '../provider/index.js';
import { signalOf } from '../util/optional.js';
import { formatIngressRule, groupPairs, pairKey, pairsOf, type IngressPair } from './ingress-rules.js';
import { formatPortRange, overlaps, type PortRange } from './port-range.js';

export interface ExposeResult {
  /** What this call opened. */
  readonly opened: readonly IngressRule[];
  /** What was asked and already open (reserved rules say what keeps them open). */
  readonly alreadyOpen: readonly IngressRule[];
  /** Everything open afterwards. */
  readonly open: readonly IngressRule[];
}

export interface UnexposeResult {
  readonly closed: readonly IngressRule[];
  /** What was asked and was not open: nothing to do, not an error. A range asked for without sources and open to no one has none. */
  readonly notOpen: readonly IngressRule[];
  /** What was asked without sources and stays open because the provider keeps it for envboot (its SSH). */
  readonly kept: readonly IngressRule[];
  readonly open: readonly IngressRule[];
}

export interface ExposePortsParams {
  readonly environ: Environ;
  readonly rules: readonly IngressRule[];
  readonly signal?: AbortSignal | undefined;
}

export interface UnexposePortsParams {
  readonly environ: Environ;
  readonly ranges: readonly PortRange[];
  /** Close only from these sources (canonical, as `parseSources` gives them); absent: from every source. */
  readonly from?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The Environ's firewall, or `CONFIG_INVALID` (exit 2) naming the provider: asking a
 * provider without one to open ports is input it cannot honour, refused before anything
 * is created.
 */
export function requireFirewall(environ: Environ): FirewalledEnviron {
  if (hasFirewall(environ)) return environ;
  throw new ConfigError(
    `the ${environ.provider} provider has no firewall, so envboot cannot open or close ports on its machines: ` +
      'their ports are reachable as their network allows. Remove "expose" from the environment (or --expose), ' +
      'or use a provider with the firewall ability (`envboot providers --check ENV` lists an environment\'s abilities)',
  );
}

/** Opens what of `rules` is not open yet, and says what was opened and what already was. */
export async function exposePorts(params: ExposePortsParams): Promise<ExposeResult> {
  const firewall = requireFirewall(params.environ);
  const before = (await firewall.ingressRules(signalOf(params))).flatMap(pairsOf);
  const held = new Map(before.map((pair) => [pairKey(pair), pair]));
  const asked = params.rules.flatMap(pairsOf);
  const missing = asked.filter((pair) => !held.has(pairKey(pair)));
  if (missing.length > 0) await firewall.openPorts({ rules: groupPairs(missing), ...signalOf(params) });
  return {
    opened: groupPairs(missing),
    alreadyOpen: groupPairs(asked.flatMap((pair) => held.get(pairKey(pair)) ?? [])),
    open: groupPairs([...before, ...missing]),
  };
}

/**
 * Closes port ranges, from the given sources or (when `from` is absent) from every source
 * they are open to but those the provider keeps for envboot. A range is closed whole:
 * asking for a range that overlaps an open one without being it (8050 of 8000-8100, or
 * 8050-8200), or for a reserved source, is refused with what to do, and nothing is closed.
 */
export async function unexposePorts(params: UnexposePortsParams): Promise<UnexposeResult> {
  const firewall = requireFirewall(params.environ);
  const rules = await firewall.ingressRules(signalOf(params));
  const before = rules.flatMap(pairsOf);
  const problems: Problem[] = [];
  const toClose: IngressPair[] = [];
  const notOpen: IngressPair[] = [];
  const kept: IngressPair[] = [];
  const closedAlready: IngressRule[] = [];
  for (const range of uniqueRanges(params.ranges)) {
    const name = formatPortRange(range);
    const same = before.filter((pair) => formatPortRange(pair) === name);
    const overlapping = rules.find((rule) => overlaps(rule, range) && formatPortRange(rule) !== name && rule.reserved === undefined);
    if (overlapping !== undefined) {
      problems.push({ path: name, message: `overlaps the open range ${formatIngressRule(overlapping)}; a range is closed whole: close ${formatPortRange(overlapping)} and open again what should stay` });
      continue;
    }
    const open = new Map(same.map((pair) => [pair.cidr, pair]));
    if (params.from === undefined) {
      const closable = same.filter((pair) => pair.reserved === undefined);
      kept.push(...same.filter((pair) => pair.reserved !== undefined));
      toClose.push(...closable);
      if (closable.length === 0 && same.length === 0) closedAlready.push({ ...range, sourceCidrs: [] });
      continue;
    }
    for (const cidr of params.from) {
      const pair = open.get(cidr);
      if (pair === undefined) notOpen.push({ ...range, cidr });
      else if (pair.reserved !== undefined) problems.push({ path: `${name} from ${cidr}`, message: `stays open: it is ${pair.reserved}; change that setting to close it` });
      else toClose.push(pair);
    }
  }
  if (problems.length > 0) throw new ConfigError('nothing was closed:', { problems });
  if (toClose.length > 0) await firewall.closePorts({ rules: groupPairs(toClose), ...signalOf(params) });
  const closed = new Set(toClose.map(pairKey));
  return {
    closed: groupPairs(toClose),
    notOpen: [...groupPairs(notOpen), ...closedAlready],
    kept: groupPairs(kept),
    open: groupPairs(before.filter((pair) => !closed.has(pairKey(pair)))),
  };
}

function uniqueRanges(ranges: readonly PortRange[]): PortRange[] {
  return [...new Map(ranges.map((range) => [formatPortRange(range), range])).values()];
}
