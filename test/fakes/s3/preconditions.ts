import type { IncomingHttpHeaders } from 'node:http';
import type { StoredObject } from './buckets.js';
import { headerText } from './request-body.js';
import { noSuchKey, notImplemented, preconditionFailed } from './s3-error.js';

/** Which conditional header a request carries, for the request log. */
export type ConditionalHeader = 'if-none-match' | 'if-match';

export function conditionalHeaderOf(headers: IncomingHttpHeaders): ConditionalHeader | undefined {
  if (headers['if-none-match'] !== undefined) return 'if-none-match';
  if (headers['if-match'] !== undefined) return 'if-match';
  return undefined;
}

/**
 * Conditional writes (PutObject): `If-None-Match: *` fails with 412 when the key exists;
 * `If-Match` fails with 404 NoSuchKey when it does not and 412 when the ETag differs.
 * S3 accepts no other `If-None-Match` value on a write.
 */
export function checkWritePreconditions(headers: IncomingHttpHeaders, key: string, current: StoredObject | undefined): void {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw notImplemented('If-None-Match');
    if (current !== undefined) throw preconditionFailed('If-None-Match');
  }
  checkIfMatch(headers, key, current);
}

/**
 * Conditional deletes (DeleteObject): `If-Match` with an ETag or `*`. A missing key
 * answers 404 NoSuchKey, as for conditional writes.
 */
export function checkIfMatch(headers: IncomingHttpHeaders, key: string, current: StoredObject | undefined): void {
  const ifMatch = headerText(headers, 'if-match');
  if (ifMatch === '') return;
  if (current === undefined) throw noSuchKey(key);
  if (!etagListMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match');
}

/**
 * Conditional reads (GetObject, HeadObject): 412 when `If-Match` fails, and 304 (reported
 * as `'not-modified'`) when `If-None-Match` matches.
 */
export function readPrecondition(headers: IncomingHttpHeaders, current: StoredObject): 'proceed' | 'not-modified' {
  const ifMatch = headerText(headers, 'if-match');
  if (ifMatch !== '' && !etagListMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match');
  const ifNoneMatch = headerText(headers, 'if-none-match');
  if (ifNoneMatch !== '' && etagListMatches(ifNoneMatch, current.etag)) return 'not-modified';
  return 'proceed';
}

/** RFC 9110 entity-tag list matching: `*`, or any listed tag, quoted or not, weak or strong. */
function etagListMatches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return list.split(',').some((tag) => bare(tag) === bare(etag));
}
