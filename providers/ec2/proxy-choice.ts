// Which proxy, if any, carries a request to an AWS endpoint: the rules of `proxy-from-env`
// (what `proxy-agent` chooses by default), except that a name in NO_PROXY also covers its
// subdomains and a proxy given without a scheme is a plain HTTP one, as for curl and the
// AWS CLI (`NO_PROXY=amazonaws.com`, `HTTPS_PROXY=proxy:3128`). Kept here,
// over an environment given as a value, so that the agent's choice, the error messages and
// the dry run's plan all say the same thing, and the variable a proxy came from is named.

/** The environment the choice reads: `process.env`, or a copy of it. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/** A proxy chosen for a request. */
export interface ChosenProxy {
  /** The proxy URL as the variable gives it (`http://` added when it has no scheme): may hold a user and password. */
  readonly url: string;
  /** The variable it came from, spelled as set: `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, … */
  readonly variable: string;
}

/** The variables envboot's AWS clients read, each in both cases. */
export const proxyVariables = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'] as const;

const defaultPorts: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * The proxy for `url`, or undefined when it goes directly: `<scheme>_proxy` (lower case
 * first, then upper case), else `all_proxy`, unless `no_proxy` names the host. `no_proxy`
 * is a comma- or space-separated list of `*` (nothing is proxied), host names (each
 * matching the host and its subdomains; a leading `.` or `*.` is allowed), IP addresses,
 * and any of these with `:port` (only that port).
 *
 * @example
 * chooseProxy('https://ec2.eu-west-1.amazonaws.com/', { HTTPS_PROXY: 'http://proxy.corp:3128' });
 * // { url: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' }
 * chooseProxy('http://127.0.0.1:8080/', { HTTP_PROXY: 'http://proxy.corp:3128', NO_PROXY: '127.0.0.1' }); // undefined
 */
export function chooseProxy(url: string | URL, env: ProxyEnvironment): ChosenProxy | undefined {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return undefined;
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (parsed.host === '') return undefined;
  // `host` keeps an IPv6 address's brackets; only a port number is cut off.
  const hostname = parsed.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(parsed.port) || (defaultPorts[scheme] ?? 0);
  if (bypassed(hostname, port, env)) return undefined;
  const found = variable(`${scheme}_proxy`, env) ?? variable('all_proxy', env);
  if (found === undefined) return undefined;
  // `host:port` alone is a plain HTTP proxy, whatever the request's scheme, as curl and the AWS CLI read it.
  return { url: found.value.includes('://') ? found.value : `http://${found.value}`, variable: found.name };
}

/** True when any proxy variable (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, either case) is set to something. */
export function anyProxySet(env: ProxyEnvironment): boolean {
  return ['https_proxy', 'http_proxy', 'all_proxy'].some((name) => variable(name, env) !== undefined);
}

/**
 * A proxy URL safe to show: its user and password replaced by `***`, its path dropped.
 * Something that does not parse as a URL is not shown at all (it may be a password typed
 * in the wrong place).
 *
 * @example
 * redactProxyUrl('http://alice:s3cret@proxy.corp:3128'); // 'http://***@proxy.corp:3128'
 */
export function redactProxyUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const credentials = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
    return `${parsed.protocol}//${credentials}${parsed.host}`;
  } catch {
    return '(a proxy URL that does not parse; not shown)';
  }
}

/** `redactProxyUrl(proxy.url) (from VARIABLE)`: how messages name a proxy. */
export function describeProxy(proxy: ChosenProxy): string {
  return `${redactProxyUrl(proxy.url)} (from ${proxy.variable})`;
}

function variable(lowerName: string, env: ProxyEnvironment): { name: string; value: string } | undefined {
  for (const name of [lowerName, lowerName.toUpperCase()]) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

function bypassed(hostname: string, port: number, env: ProxyEnvironment): boolean {
  const noProxy = (variable('no_proxy', env)?.value ?? '').toLowerCase();
  if (noProxy === '') return false;
  if (noProxy === '*') return true;
  return noProxy.split(/[,\s]/).some((entry) => {
    if (entry === '') return false;
    // A bare IPv6 address (`::1`) has no port; a bracketed one (`[::1]:8080`) may.
    const bareIpv6 = (entry.match(/:/g) ?? []).length > 1 && !entry.startsWith('[');
    const withPort = bareIpv6 ? null : /^(.+):(\d+)$/.exec(entry);
    const entryHost = bareIpv6 ? `[${entry}]` : (withPort?.[1] ?? entry);
    const entryPort = withPort === null ? 0 : Number(withPort[2]);
    if (entryPort !== 0 && entryPort !== port) return false;
    const domain = entryHost.replace(/^\*?\.?/, '');
    return domain !== '' && (hostname === domain || hostname.endsWith(`.${domain}`));
  });
}
