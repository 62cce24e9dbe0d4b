import { checkKeys, checkList, checkString, describe, isRecord, type ProblemList } from './checks.js';
import { proxyUrlExample, urlProblem } from './proxy-url.js';

/** Schemes apt's http method takes for a proxy (apt-transport-http(1)). */
export const aptProxySchemes = ['http', 'https', 'socks5h'] as const;
/** Schemes a mirror is reached by (apt's built-in methods; `file:` mirrors have no host). */
export const aptMirrorSchemes = ['http', 'https'] as const;

const unsupportedMirrorKeys: Readonly<Record<string, string>> = {
  search: 'searching for a mirror is not supported; give the mirror in "uri"',
  search_dns: 'searching DNS for a mirror is not supported; give the mirror in "uri"',
  key: 'mirror keys are not supported; add the key with apt.sources.NAME.key',
  keyid: 'mirror keys are not supported; add the key with apt.sources.NAME.key',
  keyserver: 'mirror keys are not supported; add the key with apt.sources.NAME.key',
};

/** Checks `apt.http_proxy` / `apt.https_proxy`: a proxy URL apt understands, or `DIRECT`. */
export function checkAptProxy(value: unknown, path: string, problems: ProblemList): void {
  if (!checkString(value, path, problems, `a proxy URL such as "${proxyUrlExample}", or DIRECT`)) return;
  if (value === 'DIRECT') return;
  const problem = urlProblem(value, { schemes: aptProxySchemes, path: false });
  if (problem !== undefined) problems.add(path, `${problem} (e.g. "${proxyUrlExample}", or DIRECT for none)`);
}

/** Checks `apt.primary` / `apt.security`: a list of `{arches: [default, …], uri}`. */
export function checkAptMirrors(value: unknown, path: string, problems: ProblemList): void {
  if (Array.isArray(value) && value.length === 0) problems.add(path, 'must list at least one mirror, e.g. [{arches: [default], uri: "http://mirror.example.com/ubuntu"}]');
  checkList(value, path, problems, (mirror, at) => {
    if (!isRecord(mirror)) {
      problems.add(at, `must be a mapping {arches: [default], uri: URL}, got ${describe(mirror)}`);
      return;
    }
    for (const [key, why] of Object.entries(unsupportedMirrorKeys)) if (mirror[key] !== undefined) problems.add(`${at}.${key}`, why);
    checkKeys(Object.fromEntries(Object.entries(mirror).filter(([key]) => !(key in unsupportedMirrorKeys))), ['arches', 'uri'], at, problems);
    const arches = mirror['arches'];
    if (!Array.isArray(arches) || arches.length === 0 || !arches.every((arch) => typeof arch === 'string' && /^[a-z0-9-]+$/.test(arch))) {
      problems.add(`${at}.arches`, `must be a list of dpkg architectures or "default", e.g. [default] or [amd64, i386], got ${describe(arches)}`);
    }
    const uri = mirror['uri'];
    if (uri === undefined) problems.add(`${at}.uri`, 'missing; give the mirror URL, e.g. "http://mirror.example.com/ubuntu"');
    else if (checkString(uri, `${at}.uri`, problems, 'a mirror URL')) {
      const problem = urlProblem(uri, { schemes: aptMirrorSchemes, path: true });
      if (problem !== undefined) problems.add(`${at}.uri`, `${problem} (e.g. "http://mirror.example.com/ubuntu")`);
    }
  });
}
