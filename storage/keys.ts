import { StorageError } from './storage-errors.js';

/**
 * Rejects keys that could name something outside the store or differ between
 * implementations: empty, absolute, with empty, `.` or `..` segments, backslashes or
 * control characters, or over 1,024 bytes (S3's limit). Every implementation applies the
 * same rule so that a key valid in one is valid in all.
 */
export function validateKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new StorageError('CONFIG_INVALID', `invalid storage key ${JSON.stringify(key)}: ${problem}`, { key });
  }
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'it is empty';
  if (Buffer.byteLength(key) > 1024) return 'it is longer than 1,024 bytes';
  if (key.startsWith('/')) return 'it must be relative (no leading "/")';
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(key)) return 'it contains a backslash or a control character';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty path segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'it has a "." or ".." segment';
  }
  return undefined;
}

/** Validates a list prefix: like a key, but it may be empty or end with "/". */
export function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  validateKey(prefix.endsWith('/') ? `${prefix}x` : prefix);
}

export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export const defaultListLimit = 1000;

/** Checks a page size: a whole number from 1 to 1,000. */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultListLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > defaultListLimit) {
    throw new StorageError('CONFIG_INVALID', `list limit must be a whole number from 1 to 1000, got ${limit}`);
  }
  return limit;
}

/** Ascending byte order of the UTF-8 encodings: the order S3 lists in, and so every store. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
