import type { Problem } from '../errors/index.js';
import type { IngressRule } from '../provider/index.js';
import { formatPortRange, parsePortRange, type PortRange } from './port-range.js';
import { everyone, parseSourceCidr } from './source-cidr.js';

/** One port range open to one source: the unit a cloud's firewall stores. */
export interface IngressPair extends PortRange {
  readonly cidr: string;
  /** As on `IngressRule`: what the provider keeps it open for. */
  readonly reserved?: string | undefined;
}

/** Port ranges and the sources they open to, as an operator writes them. */
export interface ExposeRequest {
  readonly ports: readonly (string | number)[];
  /** Absent: everyone (`0.0.0.0/0` and `::/0`). */
  readonly from?: readonly string[] | undefined;
}

/**
 * The rules an operator's ports and sources mean, or every problem with them, each at
 * `path` (`--from`, `environments.web.expose[1].ports`, …). Nothing is half-accepted.
 */
export function parseExposeRequest(request: ExposeRequest, paths: { readonly ports: string; readonly from: string }): { rules: IngressRule[]; problems: Problem[] } {
  const ranges = parsePortRanges(request.ports, paths.ports);
  const sources = parseSources(request.from ?? everyone, paths.from);
  const problems = [...ranges.problems, ...sources.problems];
  if (problems.length > 0) return { rules: [], problems };
  return { rules: mergeRules(ranges.ranges.map((range) => ({ ...range, sourceCidrs: sources.cidrs }))), problems: [] };
}

/** Port ranges (at least one), or the problems with them, at `path`. */
export function parsePortRanges(given: readonly (string | number)[], path: string): { ranges: PortRange[]; problems: Problem[] } {
  const ranges: PortRange[] = [];
  const problems: Problem[] = [];
  for (const text of given) {
    const parsed = parsePortRange(text);
    if (parsed.ok) ranges.push(parsed.range);
    else problems.push({ path, message: parsed.message });
  }
  if (given.length === 0) problems.push({ path, message: 'no ports given: name at least one, e.g. 443 or 8000-8100/tcp' });
  return { ranges, problems };
}

/** Source ranges (at least one), canonical, or the problems with them, at `path`. */
export function parseSources(given: readonly string[], path: string): { cidrs: string[]; problems: Problem[] } {
  const cidrs: string[] = [];
  const problems: Problem[] = [];
  for (const text of given) {
    const parsed = parseSourceCidr(text);
    if (parsed.ok) cidrs.push(parsed.cidr);
    else problems.push({ path, message: parsed.message });
  }
  if (given.length === 0) problems.push({ path, message: 'no sources given: name at least one range, or leave it out to open to everyone' });
  return { cidrs: [...new Set(cidrs)], problems };
}

/** One rule per protocol and port range, with the sources of all, sorted and without repeats. */
export function mergeRules(rules: readonly IngressRule[]): IngressRule[] {
  return groupPairs(rules.flatMap(pairsOf));
}

/** Every port range and source pair the rules stand for. */
export function pairsOf(rule: IngressRule): IngressPair[] {
  const reserved = rule.reserved === undefined ? {} : { reserved: rule.reserved };
  return rule.sourceCidrs.map((cidr) => ({ protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort, cidr, ...reserved }));
}

/** Pairs back into rules (reserved ones apart, before the others of their range), sorted by protocol, then port. */
export function groupPairs(pairs: readonly IngressPair[]): IngressRule[] {
  const byRange = new Map<string, { range: PortRange; reserved: string | undefined; sources: Set<string> }>();
  for (const pair of pairs) {
    const key = `${formatPortRange(pair)} ${pair.reserved ?? ''}`;
    const range = { protocol: pair.protocol, fromPort: pair.fromPort, toPort: pair.toPort };
    const entry = byRange.get(key) ?? { range, reserved: pair.reserved, sources: new Set<string>() };
    entry.sources.add(pair.cidr);
    byRange.set(key, entry);
  }
  return [...byRange.values()]
    .map(({ range, reserved, sources }) => ({ ...range, sourceCidrs: [...sources].sort(compareSources), ...(reserved === undefined ? {} : { reserved }) }))
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.fromPort - b.fromPort || a.toPort - b.toPort || Number(a.reserved === undefined) - Number(b.reserved === undefined));
}

/** A pair's identity, for sets of what is open: its range and source, whatever keeps it open. */
export function pairKey(pair: IngressPair): string {
  return `${formatPortRange(pair)} ${pair.cidr}`;
}

/** `443/tcp from anywhere`, `8000-8100/tcp from 10.0.0.0/8, 192.0.2.0/24`, `22/tcp from 192.0.2.0/24 (envboot SSH (ssh-cidr))`. */
export function formatIngressRule(rule: IngressRule): string {
  const open = new Set(rule.sourceCidrs);
  const sources = everyone.every((cidr) => open.has(cidr)) && open.size === everyone.length ? 'anywhere' : rule.sourceCidrs.join(', ');
  return `${formatPortRange(rule)} from ${sources}${rule.reserved === undefined ? '' : ` (${rule.reserved})`}`;
}

/** IPv4 before IPv6, then as text: stable, and readable enough for a handful of ranges. */
function compareSources(a: string, b: string): number {
  return Number(a.includes(':')) - Number(b.includes(':')) || a.localeCompare(b, 'en', { numeric: true });
}
