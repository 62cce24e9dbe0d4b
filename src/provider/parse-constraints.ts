import { ConfigError, type Problem } from '../errors/index.js';
import type { Constraints } from './constraints.js';
import { editDistance } from '../util/edit-distance.js';

/** The architectures a constraint may name: Juju 3's list (32-bit i386 and armhf are gone). */
export const supportedArches = ['amd64', 'arm64', 'ppc64el', 's390x', 'riscv64'] as const;

/** Constraint keys in their canonical order, as `formatConstraints` writes them. */
export const constraintKeys = ['arch', 'cores', 'mem', 'root-disk', 'instance-type', 'zones'] as const;

type Key = (typeof constraintKeys)[number];
type Writable<T> = { -readonly [K in keyof T]: T[K] };

export type ValidateConstraintsResult =
  | { readonly ok: true; readonly constraints: Constraints }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Other spellings Juju accepts for the same constraint. */
const aliases: Readonly<Record<string, Key>> = { 'cpu-cores': 'cores' };
/** Words people reach for, mapped to the key they meant (hints only, never accepted). */
const likelyMeant: Readonly<Record<string, Key>> = {
  memory: 'mem', ram: 'mem', disk: 'root-disk', 'disk-size': 'root-disk', rootdisk: 'root-disk', cpu: 'cores',
  cpus: 'cores', vcpus: 'cores', zone: 'zones', 'availability-zone': 'zones', type: 'instance-type', instancetype: 'instance-type',
  architecture: 'arch',
};
const archLikelyMeant: Readonly<Record<string, string>> = {
  x86_64: 'amd64', 'x86-64': 'amd64', x64: 'amd64', i386: 'amd64', i686: 'amd64', aarch64: 'arm64', arm: 'arm64',
  armhf: 'arm64', ppc64le: 'ppc64el', ppc64: 'ppc64el', riscv: 'riscv64',
};
/** Juju constraints envboot does not implement: named as such rather than "unknown". */
const unsupportedJujuKeys = new Set([
  'container', 'cpu-power', 'tags', 'spaces', 'virt-type', 'root-disk-source', 'instance-role', 'allocate-public-ip', 'image-id',
  'nested-virtualization',
]);
const examples: Readonly<Record<Key, string>> = {
  arch: 'amd64', cores: '2', mem: '4G', 'root-disk': '20G', 'instance-type': 't3.medium', zones: 'a,b',
};
const sizeUnits: Readonly<Record<string, number>> = { M: 1, G: 1024, T: 1024 ** 2, P: 1024 ** 3 };
const sizeSyntax = 'a number with an optional M, G, T or P suffix (binary units; no suffix means MiB), e.g. 4G, 1.5G or 512M';

/**
 * Parses constraints in Juju's syntax: space-separated `key=value` words, keys `arch`,
 * `cores` (alias `cpu-cores`), `mem`, `root-disk`, `instance-type` and `zones`
 * (comma-separated). Sizes are binary, in MiB unless suffixed with M, G, T or P, may
 * have decimals, and are rounded up to a whole MiB. An empty string is no constraints.
 * Throws a `ConfigError` listing every problem, each quoting the offending word.
 *
 * @example
 * parseConstraints('cores=2 mem=1.5G zones=a,b'); // { cores: 2, memoryMiB: 1536, zones: ['a', 'b'] }
 */
export function parseConstraints(text: string): Constraints {
  const result = validateConstraints(text);
  if (!result.ok) throw new ConfigError(`invalid constraints ${JSON.stringify(text.trim())}:`, { problems: result.problems });
  return result.constraints;
}

/** Like `parseConstraints`, but returns the problems (each with an empty path) instead of throwing. */
export function validateConstraints(text: string): ValidateConstraintsResult {
  const problems: Problem[] = [];
  const constraints: Writable<Constraints> = {};
  const seen = new Map<Key, string>();
  for (const word of text.trim().split(/\s+/).filter((w) => w !== '')) {
    const problem = (message: string): void => {
      problems.push({ path: '', message: `${JSON.stringify(word)}: ${message}` });
    };
    const eq = word.indexOf('=');
    if (eq < 0) {
      problem(missingEqualsMessage(word));
      continue;
    }
    const name = word.slice(0, eq);
    const value = word.slice(eq + 1);
    const key = canonicalKey(name);
    if (name === '') problem('nothing before "="; write key=value, e.g. cores=2');
    else if (key === undefined) problem(unknownKeyMessage(name));
    else if (seen.has(key)) problem(`${key} is already set by ${JSON.stringify(seen.get(key))}; give each constraint once`);
    else if (value === '') problem(`no value after "="; write e.g. ${key}=${examples[key]}, or leave ${key} out for no requirement`);
    else if (value.includes('=')) {
      problem(value.includes(',') ? 'separate constraints with spaces, not commas' : 'more than one "="; separate constraints with spaces');
    }
    else {
      seen.set(key, word);
      const set = setters[key](value, constraints);
      if (set !== undefined) problem(set);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, constraints };
}

/**
 * Constraints written back in canonical order (`arch cores mem root-disk instance-type
 * zones`), sizes in the largest unit that keeps them exact: the inverse of
 * `parseConstraints`. No constraints is the empty string.
 *
 * @example
 * formatConstraints({ memoryMiB: 4096, cores: 2 }); // 'cores=2 mem=4G'
 */
export function formatConstraints(c: Constraints): string {
  const parts: string[] = [];
  if (c.arch !== undefined) parts.push(`arch=${c.arch}`);
  if (c.cores !== undefined) parts.push(`cores=${c.cores}`);
  if (c.memoryMiB !== undefined) parts.push(`mem=${formatSize(c.memoryMiB)}`);
  if (c.rootDiskMiB !== undefined) parts.push(`root-disk=${formatSize(c.rootDiskMiB)}`);
  if (c.instanceType !== undefined) parts.push(`instance-type=${c.instanceType}`);
  if (c.zones !== undefined && c.zones.length > 0) parts.push(`zones=${c.zones.join(',')}`);
  return parts.join(' ');
}

/**
 * `override` laid over `base`, field by field, with Juju's conflict rule: an
 * instance type and a cores or memory figure describe the same thing, so when one side
 * sets one of them the other side's conflicting fields are dropped rather than combined
 * (an environment's `instance-type=t3.small` does not silently beat `--constraints
 * cores=8`). Zones are replaced, not joined.
 *
 * @example
 * mergeConstraints(parseConstraints('instance-type=t3.small arch=arm64'), parseConstraints('cores=8'));
 * // { arch: 'arm64', cores: 8 }
 */
export function mergeConstraints(base: Constraints, override: Constraints): Constraints {
  const merged: Writable<Constraints> = { ...base };
  if (override.instanceType !== undefined) {
    delete merged.cores;
    delete merged.memoryMiB;
  }
  if (override.cores !== undefined || override.memoryMiB !== undefined) delete merged.instanceType;
  for (const [field, value] of Object.entries(override) as [keyof Constraints, unknown][]) {
    if (value !== undefined) Object.assign(merged, { [field]: value });
  }
  return merged;
}

type Setter = (value: string, into: Writable<Constraints>) => string | undefined;

const setters: Readonly<Record<Key, Setter>> = {
  arch: (value, into) => {
    if ((supportedArches as readonly string[]).includes(value)) {
      into.arch = value;
      return undefined;
    }
    const meant = archLikelyMeant[value.toLowerCase()] ?? supportedArches.find((a) => a === value.toLowerCase());
    const hint = meant === undefined ? '' : `did you mean arch=${meant}? `;
    return `unsupported architecture; ${hint}accepted: ${supportedArches.join(', ')}`;
  },
  cores: (value, into) => {
    if (value.startsWith('-')) return 'must not be negative; give a whole number of cores, at least 1, e.g. cores=2';
    if (!/^\d+$/.test(value)) return 'must be a whole number of cores, at least 1, e.g. cores=2';
    const cores = Number(value);
    if (cores === 0) return 'must be at least 1; leave cores out for no requirement';
    if (!Number.isSafeInteger(cores)) return 'is too large';
    into.cores = cores;
    return undefined;
  },
  mem: (value, into) => setSize(value, (mib) => (into.memoryMiB = mib), 'mem'),
  'root-disk': (value, into) => setSize(value, (mib) => (into.rootDiskMiB = mib), 'root-disk'),
  'instance-type': (value, into) => {
    into.instanceType = value;
    return undefined;
  },
  zones: (value, into) => {
    const zones = value.split(',');
    if (zones.includes('')) return 'has an empty zone name; write zone names separated by single commas, e.g. zones=a,b';
    const twice = zones.find((zone, index) => zones.indexOf(zone) !== index);
    if (twice !== undefined) return `zone ${JSON.stringify(twice)} is listed twice; list each zone once`;
    into.zones = zones;
    return undefined;
  },
};

function setSize(value: string, set: (mib: number) => void, key: Key): string | undefined {
  if (value.startsWith('-')) return `must not be negative; write ${sizeSyntax}`;
  const match = /^(\d+\.?\d*|\.\d+)([MGTPmgtp]?)$/.exec(value);
  if (match === null) {
    const unit = /^(\d+\.?\d*|\.\d+)\s*([MGTPmgtp])(?:i?B|b)$/.exec(value);
    if (unit !== null) return `did you mean ${key}=${unit[1] ?? ''}${(unit[2] ?? '').toUpperCase()}? sizes take a single-letter suffix: M, G, T or P`;
    if (/^(\d+\.?\d*|\.\d+)\s*[Kk]/.test(value)) return `the smallest unit is M (MiB); write ${sizeSyntax}`;
    return `not a size; write ${sizeSyntax}`;
  }
  const mib = Math.ceil(Number(match[1]) * (sizeUnits[(match[2] ?? '').toUpperCase()] ?? 1));
  if (mib === 0) return `must be more than zero; leave ${key} out for no requirement`;
  if (!Number.isSafeInteger(mib)) return 'is too large';
  set(mib);
  return undefined;
}

function formatSize(mib: number): string {
  for (const unit of ['P', 'T', 'G'] as const) {
    const size = sizeUnits[unit] ?? 1;
    if (mib % size === 0) return `${mib / size}${unit}`;
  }
  return `${mib}M`;
}

function missingEqualsMessage(word: string): string {
  const colon = /^([a-z-]+):(.*)$/.exec(word);
  if (colon !== null) return `write key=value with "=", not ":", e.g. ${colon[1] ?? ''}=${colon[2] === '' ? '…' : (colon[2] ?? '')}`;
  const key = canonicalKey(word);
  if (key !== undefined) return `no "=" and no value; write e.g. ${word}=${examples[key]}`;
  return 'not key=value; constraints are space-separated key=value words, e.g. "cores=2 mem=4G"';
}

function unknownKeyMessage(name: string): string {
  const supported = `supported: ${constraintKeys.join(', ')}`;
  if (unsupportedJujuKeys.has(name)) return `envboot does not support Juju's ${name} constraint; ${supported}`;
  const meant = closestKey(name);
  return `unknown constraint ${JSON.stringify(name)}; ${meant === undefined ? '' : `did you mean ${JSON.stringify(meant)}? `}${supported}`;
}

function canonicalKey(name: string): Key | undefined {
  return aliases[name] ?? constraintKeys.find((key) => key === name);
}

function closestKey(name: string): string | undefined {
  const normal = name.toLowerCase().replace(/_/g, '-');
  const named = likelyMeant[normal] ?? canonicalKey(normal);
  if (named !== undefined) return named;
  let best: { key: string; distance: number } | undefined;
  for (const key of [...constraintKeys, ...Object.keys(aliases)]) {
    const distance = editDistance(normal, key);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
