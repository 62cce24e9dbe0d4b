import { SocketAddress, isIPv4, isIPv6 } from 'node:net';

export type ParseSourceCidrResult = { readonly ok: true; readonly cidr: string } | { readonly ok: false; readonly message: string };

/** Open to everyone, in both families. */
export const everyone: readonly string[] = ['0.0.0.0/0', '::/0'];

/**
 * Parses a source range: CIDR notation (`203.0.113.0/24`, `2001:db8::/32`) or a single
 * address (`198.51.100.7`, made `/32`; an IPv6 one `/128`). The result is canonical
 * (IPv6 lower-case and compressed), so that the same range always compares equal. A
 * range with host bits set is refused with the network it probably meant: EC2 would
 * quietly widen `10.0.0.1/8` to `10.0.0.0/8`, which is rarely what the operator thought.
 *
 * @example
 * parseSourceCidr('2001:DB8::/32'); // { ok: true, cidr: '2001:db8::/32' }
 */
export function parseSourceCidr(given: string): ParseSourceCidrResult {
  const text = given.trim();
  const [address = '', prefixText, ...rest] = text.split('/');
  // A zone (`fe80::1%eth0`) means nothing to a firewall: refused, not dropped.
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  const bits = family === 'ipv4' ? 32 : 128;
  if (family === undefined || rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) {
    return { ok: false, message: `"${text}" is not an address range: write CIDR notation, e.g. 203.0.113.0/24 or 2001:db8::/32, or one address` };
  }
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return { ok: false, message: `"${text}": an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix is 0 to ${bits}` };
  const canonical = new SocketAddress({ address, family }).address;
  const value = toBigInt(canonical, family);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    const network = fromBigInt(value & ~hostMask, family);
    return { ok: false, message: `"${text}" has host bits set: did you mean ${network}/${prefix}?` };
  }
  return { ok: true, cidr: `${canonical}/${prefix}` };
}

function toBigInt(address: string, family: 'ipv4' | 'ipv6'): bigint {
  if (family === 'ipv4') return address.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n);
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const expand = (part: string[]): string[] => part.flatMap((group) => (group.includes('.') ? ipv4Groups(group) : [group]));
  const left = expand(groups(head));
  const right = expand(groups(tail));
  const all = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return all.reduce((sum, group) => (sum << 16n) | BigInt(`0x${group}`), 0n);
}

/** An embedded IPv4 tail (`::ffff:10.0.0.1`) as two 16-bit groups. */
function ipv4Groups(dotted: string): string[] {
  const value = toBigInt(dotted, 'ipv4');
  return [(value >> 16n).toString(16), (value & 0xffffn).toString(16)];
}

function fromBigInt(value: bigint, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
  return new SocketAddress({ address: groups, family }).address;
}
