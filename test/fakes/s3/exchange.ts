import type { IncomingHttpHeaders } from 'node:http';
import type { Bucket } from './buckets.js';
import type { ObjectChecksum } from './request-body.js';
import type { RequestTarget } from './request-target.js';

/** Everything the fake holds: one region's buckets. */
export interface FakeS3State {
  readonly region: string;
  readonly buckets: Map<string, Bucket>;
}

/** One request as an operation sees it: already routed, its body decoded and verified. */
export interface S3Call {
  readonly target: RequestTarget;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly checksum: ObjectChecksum | undefined;
}

/** What an operation answers. Failures are thrown as `S3Error`s instead. */
export interface S3Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

export type OperationHandler = (state: FakeS3State, call: S3Call) => S3Reply;

export function xmlReply(body: string): S3Reply {
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}
