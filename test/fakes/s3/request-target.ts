import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './s3-error.js';

/** The operations the fake understands; anything else is answered 501 NotImplemented. */
export type S3Operation =
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'ListObjectsV2'
  | 'DeleteObjects'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'Unsupported';

/** What a path-style request addresses: `/{bucket}` or `/{bucket}/{key…}`. */
export interface RequestTarget {
  readonly bucket: string;
  /** The decoded key; empty for bucket-level requests (`/bucket` and `/bucket/`). */
  readonly key: string;
  readonly query: URLSearchParams;
}

/**
 * Splits a raw request URL into bucket, key and query. Each part is percent-decoded once,
 * so `%2F` in a key is a `/` and `%25` a `%`; `+` in the path stays a plus, as on S3.
 */
export function parseTarget(rawUrl: string): RequestTarget {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
  const rest = path.replace(/^\//, '');
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  try {
    return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(key), query };
  } catch (error) {
    throw new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.", { URI: rawUrl }, { cause: error });
  }
}

const listParameters = [
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
];

/**
 * Names the operation a request asks for. Sub-resources the fake does not model
 * (`?acl`, `?uploads`, `?versionId`, copy sources, …) make it `Unsupported` rather than
 * being silently treated as the plain operation.
 */
export function operationOf(method: string, target: RequestTarget, headers: IncomingHttpHeaders): S3Operation {
  if (target.bucket === '') return 'Unsupported';
  const only = (...allowed: string[]): boolean => [...target.query.keys()].every((name) => name === 'x-id' || allowed.includes(name));
  if (target.key === '') {
    if (method === 'PUT' && only()) return 'CreateBucket';
    if (method === 'HEAD' && only()) return 'HeadBucket';
    if (method === 'DELETE' && only()) return 'DeleteBucket';
    if (method === 'GET' && target.query.get('list-type') === '2' && only(...listParameters)) return 'ListObjectsV2';
    if (method === 'POST' && target.query.has('delete') && only('delete')) return 'DeleteObjects';
    return 'Unsupported';
  }
  if (!only()) return 'Unsupported';
  if (method === 'PUT') return headers['x-amz-copy-source'] === undefined ? 'PutObject' : 'Unsupported';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return 'DeleteObject';
  return 'Unsupported';
}
