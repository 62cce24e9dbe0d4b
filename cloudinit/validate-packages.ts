import { checkKeys, checkString, describe, isRecord, type ProblemList } from './checks.js';
import { checkAptMirrors, checkAptProxy } from './validate-apt-mirrors.js';

const packagePattern = /^[a-z0-9][a-z0-9+.-]+$/;
const sourceKeys = ['source', 'key', 'filename'];
const unsupportedSourceKeys: Record<string, string> = {
  keyid: 'fetching keys from a key server is not supported; put the ASCII-armored key in "key"',
  keyserver: 'fetching keys from a key server is not supported; put the ASCII-armored key in "key"',
};

/** Checks one `packages` entry: a name, or a `[name, version]` pair. */
export function checkPackage(value: unknown, path: string, problems: ProblemList): void {
  if (Array.isArray(value)) {
    if (value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
      problems.add(path, 'a pinned package must be a [name, version] pair of strings');
      return;
    }
    checkPackageName(value[0], `${path}[0]`, problems);
    if (!/^[A-Za-z0-9.+~:*-]+$/.test(value[1])) problems.add(`${path}[1]`, `${JSON.stringify(value[1])} is not a package version`);
    return;
  }
  if (checkString(value, path, problems, 'a package name or a [name, version] pair')) checkPackageName(value, path, problems);
}

function checkPackageName(name: string, path: string, problems: ProblemList): void {
  if (!packagePattern.test(name)) problems.add(path, `${JSON.stringify(name)} is not a Debian package name`);
}

const aptKeys = ['http_proxy', 'https_proxy', 'primary', 'security', 'sources'];

/** Checks `apt`: its proxies, primary and security mirrors, and sources. */
export function checkApt(value: unknown, path: string, problems: ProblemList): void {
  if (!isRecord(value)) {
    problems.add(path, `must be a mapping with ${aptKeys.map((key) => `"${key}"`).join(', ')}, got ${describe(value)}`);
    return;
  }
  checkKeys(value, aptKeys, path, problems);
  for (const key of ['http_proxy', 'https_proxy']) if (value[key] !== undefined) checkAptProxy(value[key], `${path}.${key}`, problems);
  for (const key of ['primary', 'security']) if (value[key] !== undefined) checkAptMirrors(value[key], `${path}.${key}`, problems);
  const sources = value['sources'];
  if (sources === undefined) return;
  if (!isRecord(sources)) {
    problems.add(`${path}.sources`, `must be a mapping of source names to sources, got ${describe(sources)}`);
    return;
  }
  for (const [name, source] of Object.entries(sources)) {
    const sourcePath = `${path}.sources[${JSON.stringify(name)}]`;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) problems.add(sourcePath, 'source names may use letters, digits, ".", "_" and "-"');
    checkAptSource(source, sourcePath, problems);
  }
}

function checkAptSource(source: unknown, path: string, problems: ProblemList): void {
  if (!isRecord(source)) {
    problems.add(path, `must be a mapping with "source" and optionally "key", got ${describe(source)}`);
    return;
  }
  for (const [key, why] of Object.entries(unsupportedSourceKeys)) {
    if (source[key] !== undefined) problems.add(`${path}.${key}`, why);
  }
  checkKeys(
    Object.fromEntries(Object.entries(source).filter(([key]) => !(key in unsupportedSourceKeys))),
    sourceKeys,
    path,
    problems,
  );
  if (source['source'] === undefined && source['key'] === undefined) problems.add(path, 'needs "source", "key" or both');
  if (source['source'] !== undefined && checkString(source['source'], `${path}.source`, problems)) {
    if (!/^deb(-src)?\s/.test(source['source'].trim()) || /[\n\r]/.test(source['source'].trim())) {
      problems.add(`${path}.source`, 'must be one "deb …" or "deb-src …" line');
    }
  }
  if (source['key'] !== undefined && checkString(source['key'], `${path}.key`, problems)) {
    if (!source['key'].includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      problems.add(`${path}.key`, 'must be an ASCII-armored PGP public key block');
    }
  }
  if (source['filename'] !== undefined && checkString(source['filename'], `${path}.filename`, problems)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(source['filename']) || source['filename'].startsWith('.')) {
      problems.add(`${path}.filename`, 'must be a plain file name such as "myrepo.list"');
    }
  }
}
