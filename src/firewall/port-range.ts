import type { IngressRule } from '../provider/index.js';

/** A protocol and a range of ports, e.g. 8000-8100/tcp, or all traffic. */
export type PortRange = Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort'>;

export type ParsePortRangeResult = { readonly ok: true; readonly range: PortRange } | { readonly ok: false; readonly message: string };

/** Every protocol and port: what `all` means, and what clouds call "all traffic". */
export const allTraffic: PortRange = { protocol: 'all', fromPort: 0, toPort: 65535 };

const syntax = 'PORT or FROM-TO, either followed by /tcp or /udp (tcp when left out), or all; e.g. 443, 8000-8100, 53/udp';

/**
 * Parses a port range as operators write it: `443`, `8000-8100`, `53/udp`,
 * `60000-61000/udp`, or `all` (every protocol and port). Ports are 0 to 65535, as EC2
 * takes them; the protocol is tcp or udp, tcp by default. A YAML number (`443`) is
 * accepted as is.
 *
 * @example
 * parsePortRange('8000-8100'); // { ok: true, range: { protocol: 'tcp', fromPort: 8000, toPort: 8100 } }
 */
export function parsePortRange(given: string | number): ParsePortRangeResult {
  const text = String(given).trim();
  if (text.toLowerCase() === 'all') return { ok: true, range: allTraffic };
  const match = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z0-9]+))?$/.exec(text);
  if (match === null) return { ok: false, message: `"${text}" is not a port range: write ${syntax}` };
  const protocol = (match[3] ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') {
    return { ok: false, message: `"${text}": the protocol must be tcp or udp, not "${match[3] ?? ''}"${protocol === 'icmp' ? ' (ICMP cannot be opened with envboot)' : ''}` };
  }
  const digits = [match[1] ?? '', match[2] ?? match[1] ?? ''];
  const outside = digits.find((port) => Number(port) > 65535);
  if (outside !== undefined) return { ok: false, message: `"${text}": ${outside} is not a port; ports are 0 to 65535` };
  const [fromPort, toPort] = digits.map(Number) as [number, number];
  if (fromPort > toPort) return { ok: false, message: `"${text}" runs backwards: write ${toPort}-${fromPort}/${protocol}` };
  return { ok: true, range: { protocol, fromPort, toPort } };
}

/** `443/tcp`, `8000-8100/tcp`, `all`. */
export function formatPortRange(range: PortRange): string {
  if (range.protocol === 'all') return 'all';
  const ports = range.fromPort === range.toPort ? `${range.fromPort}` : `${range.fromPort}-${range.toPort}`;
  return `${ports}/${range.protocol}`;
}

/** True when the two ranges share a port of a protocol (all traffic shares every one). */
export function overlaps(a: PortRange, b: PortRange): boolean {
  const sameProtocol = a.protocol === b.protocol || a.protocol === 'all' || b.protocol === 'all';
  return sameProtocol && a.fromPort <= b.toPort && b.fromPort <= a.toPort;
}
