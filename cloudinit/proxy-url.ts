/**
 * Checks for the proxy and mirror URLs a machine is given. They end up in shell
 * variables, `/etc/environment`, apt's configuration (inside double quotes) and sources
 * lists, so they are held to a strict shape rather than quoted for each of those: a
 * scheme, a host, an optional port and path, and no whitespace, control characters,
 * quotes or backslashes. Credentials (`user:password@`) are allowed; `redactUrl` hides
 * them wherever a URL is shown.
 */

/** What a URL must look like: `http://proxy.example.com:3128`. */
export const proxyUrlExample = 'http://proxy.example.com:3128';

// A host name, an IPv4 address or a bracketed IPv6 address; then an optional port.
const hostPattern = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)$/;
const forbidden = /[\s"'`\\<>{}|^\p{Cc}]/u;

export interface CheckUrlOptions {
  /** Schemes allowed, without `://`, e.g. `['http', 'https']`. */
  readonly schemes: readonly string[];
  /** Whether a path is allowed (a mirror has one; a proxy has at most `/`). */
  readonly path: boolean;
}

/**
 * Why `value` is not an acceptable URL, or undefined when it is. The message never
 * repeats the value (it may carry a password): callers name it with `redactUrl`.
 *
 * @example
 * urlProblem('proxy:3128', { schemes: ['http', 'https'], path: false });
 * // 'has no scheme; write it as http://HOST:PORT'
 */
export function urlProblem(value: string, options: CheckUrlOptions): string | undefined {
  const schemes = options.schemes.join(', ');
  if (value === '') return 'is empty';
  if (forbidden.test(value)) return 'must not contain whitespace, control characters, quotes, backslashes or <>{}|^';
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(value);
  if (match === null) return `has no scheme; write it as ${options.schemes[0] ?? 'http'}://HOST:PORT${options.path ? '/PATH' : ''}`;
  const [, scheme = '', authority = '', rest = ''] = match;
  if (!options.schemes.includes(scheme.toLowerCase())) return `has the scheme "${scheme}"; use one of: ${schemes}`;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const split = hostPort.startsWith('[') ? hostPort.indexOf(']') + 1 : hostPort.includes(':') ? hostPort.indexOf(':') : hostPort.length;
  const host = hostPort.slice(0, split);
  const portText = hostPort.slice(split);
  if (host === '') return 'has no host';
  if (!hostPattern.test(host)) return 'has a host that is not a host name or an IP address';
  if (portText !== '' && !/^:\d{1,5}$/.test(portText)) return 'has a port that is not a number';
  if (portText !== '' && (Number(portText.slice(1)) < 1 || Number(portText.slice(1)) > 65535)) return 'has a port outside 1-65535';
  if (rest.includes('#') || rest.includes('?')) return 'must not have a query or a fragment';
  if (!options.path && rest !== '' && rest !== '/') return 'must not have a path (only scheme, host and port)';
  return undefined;
}

/**
 * The URL with its credentials hidden, what status, plans, logs and errors show: the
 * password replaced by `***` (`http://user:***@proxy:3128`), or the whole user part when
 * there is no password (a token given as the user name).
 */
export function redactUrl(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@/, (_match, scheme: string, userinfo: string) =>
    userinfo.includes(':') ? `${scheme}${userinfo.slice(0, userinfo.indexOf(':'))}:***@` : `${scheme}***@`,
  );
}

/** The host of a URL that passed `urlProblem`, lower-cased, without brackets. */
export function urlHost(value: string): string {
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(value)?.[1] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']')).toLowerCase();
  return hostPort.replace(/:\d*$/, '').toLowerCase();
}

const cidrV4 = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$/;
const cidrV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:\/\d{1,3})?$/;
const domain = /^(?:\*?\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * Why one `no_proxy` entry is not a host, a domain (`.example.com`), an IP address, a
 * CIDR or `*`, or undefined when it is.
 */
export function noProxyEntryProblem(entry: string): string | undefined {
  if (entry === '*') return undefined;
  if (forbidden.test(entry)) return `${JSON.stringify(entry)} must not contain whitespace, control characters, quotes or backslashes`;
  if (cidrV4.test(entry)) {
    const [address = '', bits] = entry.split('/');
    if (address.split('.').some((octet) => Number(octet) > 255)) return `${JSON.stringify(entry)} is not an IPv4 address`;
    if (bits !== undefined && Number(bits) > 32) return `${JSON.stringify(entry)} has a prefix length above 32`;
    return undefined;
  }
  if (cidrV6.test(entry)) {
    const bits = entry.split('/')[1];
    if (bits !== undefined && Number(bits) > 128) return `${JSON.stringify(entry)} has a prefix length above 128`;
    return undefined;
  }
  if (entry.includes('://')) return `${JSON.stringify(entry)} is a URL; give just the host, e.g. registry.example.com`;
  if (/:\d+$/.test(entry)) return `${JSON.stringify(entry)} has a port; no_proxy entries are hosts, domains or CIDRs (ports are not understood by every tool)`;
  if (!domain.test(entry)) return `${JSON.stringify(entry)} is not a host, a domain (.example.com), an IP address, a CIDR or *`;
  return undefined;
}
