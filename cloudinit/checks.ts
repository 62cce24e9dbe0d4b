import type { CloudConfigProblem } from './cloud-config-error.js';

/** Collects problems with their paths, so validation reports all of them at once. */
export class ProblemList {
  readonly items: CloudConfigProblem[] = [];

  add(path: string, message: string): void {
    this.items.push({ path, message });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return 'a mapping';
  // A long or multi-line string may be a whole file read by mistake (a key, /etc/shadow): never echo it.
  if (typeof value === 'string' && (value.length > 40 || value.includes('\n'))) return `a string of ${value.length} characters (not shown)`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Reports keys of `value` outside `allowed`. */
export function checkKeys(value: Record<string, unknown>, allowed: readonly string[], path: string, problems: ProblemList): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      problems.add(join(path, key), `unknown key; supported here: ${allowed.join(', ')}`);
    }
  }
}

export function checkString(value: unknown, path: string, problems: ProblemList, what = 'a string'): value is string {
  if (typeof value === 'string') {
    if (value.includes('\0')) {
      problems.add(path, 'must not contain a NUL character');
      return false;
    }
    return true;
  }
  problems.add(path, `must be ${what}, got ${describe(value)}`);
  return false;
}

export function checkBoolean(value: unknown, path: string, problems: ProblemList): void {
  if (typeof value !== 'boolean') problems.add(path, `must be true or false, got ${describe(value)}`);
}

/** Checks a list, calling `each` for every item with its path. */
export function checkList(value: unknown, path: string, problems: ProblemList, each: (item: unknown, path: string) => void): void {
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list, got ${describe(value)}`);
    return;
  }
  value.forEach((item, index) => {
    each(item, `${path}[${index}]`);
  });
}

/** A command: a non-empty string, or a non-empty list of strings (an argv). */
export function checkCommand(value: unknown, path: string, problems: ProblemList): void {
  if (typeof value === 'string') {
    if (value.trim() === '') problems.add(path, 'must not be empty');
    else checkString(value, path, problems);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) problems.add(path, 'must not be an empty list');
    value.forEach((arg, index) => checkString(arg, `${path}[${index}]`, problems));
    return;
  }
  problems.add(path, `must be a command string or a list of arguments, got ${describe(value)}`);
}

export function join(path: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? part : /^[A-Za-z_]/.test(part) ? `${path}.${part}` : `${path}[${part}]`;
}
