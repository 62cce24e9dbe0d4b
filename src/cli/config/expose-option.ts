import { mergeRules, parseExposeRequest, type ExposeRequest } from '../../firewall/index.js';
import type { IngressRule } from '../../provider/index.js';
import { describeValue, isMapping, joinPath } from './hints.js';

const entrySyntax = 'a port range (443, 8000-8100/tcp, 53/udp, all), or a mapping {ports: 443 or [443, 8443], from: [203.0.113.0/24]}';

/**
 * An environment's `expose:`: the ports the bootstrap opens to sources outside the
 * environment (Juju's `expose`). A list whose entries are a port range, open to everyone,
 * or `{ports, from}`. Every problem is reported at its entry's path; the rules come back
 * merged (one per protocol and range).
 *
 * @example
 * // expose: [443, {ports: 8000-8100/tcp, from: [10.0.0.0/8]}]
 */
export function checkExposeOption(value: unknown, report: (key: string, message: string) => void): IngressRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report('', `must be a list whose entries are ${entrySyntax}, got ${describeValue(value)}`);
    return [];
  }
  const rules: IngressRule[] = [];
  value.forEach((entry: unknown, index) => {
    const at = `[${index}]`;
    const request = exposeRequestOf(entry, (key, message) => {
      report(joinPath(at, key), message);
    });
    if (request === undefined) return;
    const parsed = parseExposeRequest(request, { ports: joinPath(at, typeof entry === 'object' ? 'ports' : ''), from: joinPath(at, 'from') });
    for (const problem of parsed.problems) report(problem.path, problem.message);
    rules.push(...parsed.rules);
  });
  return mergeRules(rules);
}

function exposeRequestOf(entry: unknown, report: (key: string, message: string) => void): ExposeRequest | undefined {
  if (typeof entry === 'string' || typeof entry === 'number') return { ports: [entry] };
  if (!isMapping(entry)) {
    report('', `must be ${entrySyntax}, got ${describeValue(entry)}`);
    return undefined;
  }
  const unknown = Object.keys(entry).filter((key) => key !== 'ports' && key !== 'from');
  for (const key of unknown) report(key, 'unknown key; an expose entry has "ports" and "from"');
  const ports = listOf(entry['ports'], (item) => typeof item === 'string' || typeof item === 'number');
  if (ports === undefined) report('ports', `must be a port range or a list of them, e.g. 443, [443, 8000-8100/tcp] or all, got ${describeValue(entry['ports'])}`);
  const from = entry['from'] === undefined ? undefined : listOf(entry['from'], (item) => typeof item === 'string');
  if (entry['from'] !== undefined && from === undefined) {
    report('from', `must be an address range or a list of them, e.g. [203.0.113.0/24, 2001:db8::/32], got ${describeValue(entry['from'])}`);
  }
  if (ports === undefined || (entry['from'] !== undefined && from === undefined)) return undefined;
  return { ports: ports as (string | number)[], ...(from === undefined ? {} : { from: from as string[] }) };
}

/** One value or a list of them, each passing `ok`; undefined otherwise. */
function listOf(value: unknown, ok: (item: unknown) => boolean): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.every(ok) ? items : undefined;
}
