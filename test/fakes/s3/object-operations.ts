import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type StoredObject, checkKey, requireBucket } from './buckets.js';
import type { FakeS3State, OperationHandler, S3Call, S3Reply } from './exchange.js';
import { checkIfMatch, checkWritePreconditions, readPrecondition } from './preconditions.js';
import { headerText } from './request-body.js';
import { S3Error, noSuchKey, notImplemented } from './s3-error.js';

/**
 * PutObject. The precondition check and the write happen in one synchronous step after
 * the whole body has arrived, so concurrent conditional writes cannot interleave.
 */
export const putObject: OperationHandler = (state, call) => {
  const { key } = call.target;
  checkKey(key);
  const bucket = requireBucket(state.buckets, call.target.bucket);
  if (call.headers['content-length'] === undefined && call.headers['x-amz-decoded-content-length'] === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  checkWritePreconditions(call.headers, key, bucket.objects.get(key));
  const stored: StoredObject = {
    body: call.body,
    etag: `"${createHash('md5').update(call.body).digest('hex')}"`,
    lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
    contentType: headerText(call.headers, 'content-type') || 'binary/octet-stream',
    metadata: userMetadata(call.headers),
    ...(call.checksum === undefined ? {} : { checksum: call.checksum }),
  };
  bucket.objects.set(key, stored);
  return { status: 200, headers: { etag: stored.etag, ...checksumHeaders(stored) } };
};

/** GetObject: the body and its headers; 404 NoSuchKey; conditional reads; no ranges. */
export const getObject: OperationHandler = (state, call) => {
  const { reply, object } = readObject(state, call);
  return reply.status === 200 ? { ...reply, body: object.body } : reply;
};

/** HeadObject: GetObject's headers without the body (errors, too, come without one). */
export const headObject: OperationHandler = (state, call) => readObject(state, call).reply;

/** DeleteObject: 204 whether or not the key existed; `If-Match` makes it conditional. */
export const deleteObject: OperationHandler = (state, call) => {
  const bucket = requireBucket(state.buckets, call.target.bucket);
  checkIfMatch(call.headers, call.target.key, bucket.objects.get(call.target.key));
  bucket.objects.delete(call.target.key);
  return { status: 204 };
};

function readObject(state: FakeS3State, call: S3Call): { reply: S3Reply; object: StoredObject } {
  const object = requireBucket(state.buckets, call.target.bucket).objects.get(call.target.key);
  if (object === undefined) throw noSuchKey(call.target.key);
  if (call.headers.range !== undefined) throw notImplemented('Range');
  const described = {
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    ...Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
  };
  if (readPrecondition(call.headers, object) === 'not-modified') return { reply: { status: 304, headers: described }, object };
  const checksums = headerText(call.headers, 'x-amz-checksum-mode') === 'ENABLED' ? checksumHeaders(object) : {};
  const headers = {
    ...described,
    'content-type': object.contentType,
    'content-length': String(object.body.length),
    'accept-ranges': 'bytes',
    ...checksums,
  };
  return { reply: { status: 200, headers }, object };
}

function checksumHeaders(stored: StoredObject): Record<string, string> {
  if (stored.checksum === undefined) return {};
  return {
    [`x-amz-checksum-${stored.checksum.algorithm.toLowerCase()}`]: stored.checksum.value,
    'x-amz-checksum-type': 'FULL_OBJECT',
  };
}

function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.keys(headers)
      .filter((name) => name.startsWith('x-amz-meta-'))
      .map((name) => [name.slice('x-amz-meta-'.length), headerText(headers, name)]),
  );
}
