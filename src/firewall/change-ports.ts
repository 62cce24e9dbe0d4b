import { ConfigError, type Problem } from '../errors/index.js';
import { hasFirewall, type Environ, type FirewalledEnviron, type IngressRule } from '../provider/index.js';
import { formatIngressRule, groupPairs, pairKey, pairsOf, type IngressPair } from './ingress-rules.js';
import { formatPortRange, overlaps, type PortRange } from './port-range.js';

export interface ExposeResult {
  /** What this call opened. */
  readonly opened: readonly IngressRule[];
  /** What was asked and already open. */
  readonly alreadyOpen: readonly IngressRule[];
  /** Everything open afterwards. */
  readonly open: readonly IngressRule[];
}

export interface UnexposeResult {
  readonly closed: readonly IngressRule[];
  /** What was asked and was not open: nothing to do, not an error. A range asked for without sources that is open to no one has none. */
  readonly notOpen: readonly IngressRule[];
  readonly open: readonly IngressRule[];
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
export async function exposePorts(params: { readonly environ: Environ; readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal | undefined }): Promise<ExposeResult> {
  const firewall = requireFirewall(params.environ);
  const before = await firewall.ingressRules(signalOf(params));
  const open = new Set(before.flatMap(pairsOf).map(pairKey));
  const asked = params.rules.flatMap(pairsOf);
  const missing = asked.filter((pair) => !open.has(pairKey(pair)));
  if (missing.length > 0) await firewall.openPorts({ rules: groupPairs(missing), ...signalOf(params) });
  return {
    opened: groupPairs(missing),
    alreadyOpen: groupPairs(asked.filter((pair) => open.has(pairKey(pair)))),
    open: groupPairs([...before.flatMap(pairsOf), ...missing]),
  };
}

/**
 * Closes port ranges, from the given sources or (when `from` is absent) from every source
 * they are open to. A range is closed whole: asking for a range that overlaps an open one
 * without being it (8050 of 8000-8100, or 8050-8200) is refused with what to do, and
 * nothing is closed.
 */
export async function unexposePorts(params: {
  readonly environ: Environ;
  readonly ranges: readonly PortRange[];
  readonly from?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<UnexposeResult> {
  const firewall = requireFirewall(params.environ);
  const before = await firewall.ingressRules(signalOf(params));
  const problems: Problem[] = [];
  const toClose: IngressPair[] = [];
  const notOpen: IngressPair[] = [];
  /** Ranges asked without sources that are not open to anyone. */
  const closedAlready: IngressRule[] = [];
  for (const range of params.ranges) {
    const rule = before.find((candidate) => formatPortRange(candidate) === formatPortRange(range));
    const within = before.find((candidate) => overlaps(candidate, range) && formatPortRange(candidate) !== formatPortRange(range));
    if (rule === undefined && within !== undefined) {
      problems.push({
        path: formatPortRange(range),
        message: `overlaps the open range ${formatIngressRule(within)}; a range is closed whole: close ${formatPortRange(within)} and open again what should stay`,
      });
      continue;
    }
    const open = new Set(rule?.sourceCidrs ?? []);
    if (params.from === undefined && open.size === 0) closedAlready.push({ ...range, sourceCidrs: [] });
    for (const cidr of params.from ?? [...open]) (open.has(cidr) ? toClose : notOpen).push({ ...range, cidr });
  }
  if (problems.length > 0) throw new ConfigError('nothing was closed:', { problems });
  if (toClose.length > 0) await firewall.closePorts({ rules: groupPairs(toClose), ...signalOf(params) });
  const closed = new Set(toClose.map(pairKey));
  return {
    closed: groupPairs(toClose),
    notOpen: [...groupPairs(notOpen), ...closedAlready],
    open: groupPairs(before.flatMap(pairsOf).filter((pair) => !closed.has(pairKey(pair)))),
  };
}

function signalOf(params: { readonly signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return params.signal === undefined ? {} : { signal: params.signal };
}
