import { homedir } from 'node:os';
import path from 'node:path';
import type { Problem } from '../../src/index.js';

// Checks of single config values, each pushing its problems with their paths. Loaded by the
// CLI's light descriptor: nothing here touches a file.

const sizeUnits: Readonly<Record<string, number>> = { M: 1, G: 1024, T: 1024 * 1024 };
const sizePattern = /^(\d+(?:\.\d+)?)\s*(?:([MGT])(?:i?B)?)?$/i;
const zonePattern = /^[a-z0-9-]+$/;
const userPattern = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * MiB in a size as operators write it: a number of MiB, or a number with `M`, `G` or `T`
 * (binary units, as in constraints; `MiB`, `GB` and the like are read the same way).
 * Rounded up to a whole MiB; undefined when malformed.
 *
 * @example
 * parseSize('1G'); // 1024
 * parseSize('1.5G'); // 1536
 * parseSize(512); // 512
 */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = sizePattern.exec(value.trim());
  if (match === null) return undefined;
  const unit = sizeUnits[(match[2] ?? 'M').toUpperCase()] ?? 1;
  const mib = Math.ceil(Number(match[1]) * unit);
  return mib > 0 ? mib : undefined;
}

/** A size within [min, max] MiB, or a problem at `key`. */
export function checkSize(value: unknown, key: string, bounds: { min: number; max: number }, problems: Problem[]): number {
  const mib = parseSize(value);
  if (mib === undefined) {
    problems.push({ path: key, message: `${describeValue(value)} is not a size; write e.g. 512M, 1G or 1.5G (binary units), or a number of MiB` });
    return bounds.min;
  }
  if (mib < bounds.min || mib > bounds.max) {
    problems.push({ path: key, message: `${String(value)} is outside ${bounds.min} MiB to ${bounds.max / 1024} GiB; choose a size in that range` });
  }
  return mib;
}

/** A whole number within [min, max], or a problem at `key`. */
export function checkCount(value: unknown, key: string, bounds: { min: number; max: number }, problems: Problem[]): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    problems.push({ path: key, message: `${describeValue(value)} is not a whole number from ${bounds.min} to ${bounds.max}` });
    return bounds.min;
  }
  return value;
}

/**
 * The absolute path of a file named in the config (`~/` is the home directory). Relative
 * paths are refused: environments.yaml is read from several directories, and a path that
 * meant one of them would silently mean another.
 */
export function checkPath(value: unknown, key: string, problems: Problem[]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push({ path: key, message: `${describeValue(value)} is not a file path; give the absolute path of the file` });
    return '';
  }
  if (value.includes('\n') || value.includes('\0')) {
    problems.push({ path: key, message: 'a file path must not contain a newline or NUL' });
    return '';
  }
  if (value === '~' || value.startsWith('~/')) return path.join(homedir(), value.slice(2));
  if (!path.isAbsolute(value)) {
    problems.push({ path: key, message: `"${value}" is relative; give an absolute path (or one starting with ~/)` });
    return '';
  }
  return path.normalize(value);
}

/** The kernel command line: one line of printable text. */
export function checkCmdline(value: unknown, key: string, problems: Problem[]): string {
  // eslint-disable-next-line no-control-regex -- a command line is one line of printable text
  if (typeof value !== 'string' || value.trim() === '' || /[\0-\x1f]/.test(value)) {
    problems.push({ path: key, message: `${describeValue(value)} is not a kernel command line; write e.g. "root=/dev/vda1 ro console=ttyS0"` });
    return '';
  }
  return value.trim();
}

export function checkUser(value: unknown, key: string, problems: Problem[]): string {
  if (typeof value !== 'string' || !userPattern.test(value)) {
    problems.push({ path: key, message: `${describeValue(value)} is not a user name; give the image's default user, e.g. ubuntu or debian` });
    return '';
  }
  return value;
}

export function checkZones(value: unknown, key: string, problems: Problem[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ path: key, message: `must be a non-empty list of zone labels, e.g. [qemu-a, qemu-b], got ${describeValue(value)}` });
    return [];
  }
  const seen = new Set<string>();
  value.forEach((zone: unknown, index) => {
    const at = `${key}[${index}]`;
    if (typeof zone !== 'string' || !zonePattern.test(zone)) {
      problems.push({ path: at, message: `${describeValue(zone)} is not a zone label; use lower-case letters, digits and dashes` });
    } else if (seen.has(zone)) {
      problems.push({ path: at, message: `zone "${zone}" is listed twice; list each zone once` });
    } else {
      seen.add(zone);
    }
  });
  return [...seen];
}

/** A value as messages name it, never quoting a long string in full. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string' && value.length > 60) return `a ${value.length}-character string`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
