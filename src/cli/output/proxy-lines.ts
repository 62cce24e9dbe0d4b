import { describeMachineProxies, type MachineProxySettings } from '../../../cloudinit/index.js';

/**
 * The environment's machine proxies and apt mirror after `label` (padded to the other
 * labels' column), one `key=value` each, credentials hidden:
 * `proxies:        http-proxy=http://user:***@proxy:3128 no-proxy=.internal`.
 * Nothing when none is set.
 */
export function proxyLines(settings: MachineProxySettings | undefined, label: string, suffix = ''): string[] {
  const pairs = describeMachineProxies(settings);
  if (pairs.length === 0) return [];
  return [`${label.padEnd(16)}${pairs.map(([key, value]) => `${key}=${value}`).join(' ')}${suffix}`];
}

/** The same for `--json`: `{ "http-proxy": "http://user:***@proxy:3128", … }`, or null when none is set. */
export function proxyJson(settings: MachineProxySettings | undefined): Record<string, string> | null {
  const pairs = describeMachineProxies(settings);
  return pairs.length === 0 ? null : Object.fromEntries(pairs);
}
