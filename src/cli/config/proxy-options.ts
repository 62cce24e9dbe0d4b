import {
  aptMirrorSchemes,
  aptProxySchemes,
  noProxyEntryProblem,
  redactUrl,
  urlProblem,
  type CheckUrlOptions,
  type MachineProxySettings,
} from '../../../cloudinit/index.js';
import { describeValue } from './hints.js';

/** The environment keys for machines' proxies and apt mirror (Juju's model config keys, without `juju-`). */
export const proxyOptionKeys = ['http-proxy', 'https-proxy', 'no-proxy', 'apt-proxy', 'apt-mirror'] as const;

/** Words operators write for them, kebab-cased, for "did you mean". */
export const proxyKeyHints: Readonly<Record<string, string>> = {
  proxy: 'http-proxy', proxies: 'http-proxy', 'juju-http-proxy': 'http-proxy', 'juju-https-proxy': 'https-proxy',
  'juju-no-proxy': 'no-proxy', noproxy: 'no-proxy', 'apt-no-proxy': 'no-proxy', 'no-proxies': 'no-proxy',
  'apt-http-proxy': 'apt-proxy', 'apt-https-proxy': 'apt-proxy', 'apt-proxies': 'apt-proxy', 'juju-apt-proxy': 'apt-proxy',
  mirror: 'apt-mirror', 'apt-mirrors': 'apt-mirror', 'archive-mirror': 'apt-mirror', 'package-mirror': 'apt-mirror', 'apt-primary': 'apt-mirror',
};

const proxyUrl: CheckUrlOptions = { schemes: ['http', 'https'], path: false };
const examples = {
  'http-proxy': 'http-proxy: http://proxy.example.com:3128',
  'https-proxy': 'https-proxy: http://proxy.example.com:3128',
  'apt-proxy': 'apt-proxy: http://apt-cache.example.com:3142 (or none)',
  'apt-mirror': 'apt-mirror: http://mirror.example.com/ubuntu',
  'no-proxy': 'no-proxy: localhost,.example.com,10.0.0.0/8',
} as const;

/**
 * Reads an environment's proxy keys, reporting every bad value under its key with the
 * problem and an example; a URL is named with its credentials hidden. `null` means unset.
 * `apt-proxy: none` sends apt direct (`DIRECT`) even when `http-proxy` is set.
 *
 * @example
 * checkProxyOptions({ 'http-proxy': 'http://proxy:3128', 'no-proxy': '.internal,10.0.0.0/8' }, report);
 * // { httpProxy: 'http://proxy:3128', noProxy: ['.internal', '10.0.0.0/8'] }
 */
export function checkProxyOptions(raw: Readonly<Record<string, unknown>>, report: (key: string, message: string) => void): MachineProxySettings | undefined {
  const url = (key: 'http-proxy' | 'https-proxy' | 'apt-proxy' | 'apt-mirror', options: CheckUrlOptions): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (key === 'apt-proxy' && typeof value === 'string' && ['none', 'direct'].includes(value.toLowerCase())) return 'DIRECT';
    if (typeof value !== 'string') {
      report(key, `must be a URL, got ${describeValue(value)}; e.g. ${examples[key]}`);
      return undefined;
    }
    const problem = urlProblem(value, options);
    if (problem === undefined) return value;
    report(key, `${JSON.stringify(redactUrl(value))} ${problem}; e.g. ${examples[key]}`);
    return undefined;
  };
  const settings: MachineProxySettings = {
    httpProxy: url('http-proxy', proxyUrl),
    httpsProxy: url('https-proxy', proxyUrl),
    noProxy: noProxyList(raw['no-proxy'], (message) => {
      report('no-proxy', message);
    }),
    aptProxy: url('apt-proxy', { schemes: aptProxySchemes, path: false }),
    aptMirror: url('apt-mirror', { schemes: aptMirrorSchemes, path: true }),
  };
  const given = Object.entries(settings).filter(([, value]) => value !== undefined);
  return given.length === 0 ? undefined : Object.fromEntries(given);
}

/** `no-proxy`: a comma-separated string or a list; blank entries are dropped. */
function noProxyList(value: unknown, report: (message: string) => void): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (items === undefined || !items.every((item): item is string => typeof item === 'string')) {
    report(`must be a comma-separated list of hosts, domains and CIDRs, got ${describeValue(value)}; e.g. ${examples['no-proxy']}`);
    return undefined;
  }
  const entries = items.map((item) => item.trim()).filter((item) => item !== '');
  if (entries.length === 0) {
    report(`is empty; remove the key, or list hosts, domains and CIDRs; e.g. ${examples['no-proxy']}`);
    return undefined;
  }
  const problems = entries.flatMap((entry) => noProxyEntryProblem(entry) ?? []);
  for (const problem of problems) report(`${problem}; e.g. ${examples['no-proxy']}`);
  return problems.length === 0 ? entries : undefined;
}
