import http from 'node:http';
import { type Answer, type ReceivedRequest, answer } from './s3/answer.js';
import { keysInByteOrder } from './s3/buckets.js';
import type { FakeS3State } from './s3/exchange.js';
import type { ConditionalHeader } from './s3/preconditions.js';
import type { S3Operation } from './s3/request-target.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

export type FakeS3Operation = S3Operation;

/** One request the fake answered, in arrival order. */
export interface FakeS3Request {
  readonly method: string;
  /** Empty for requests that name no bucket. */
  readonly bucket: string;
  /** The decoded key; absent for bucket-level requests. */
  readonly key?: string;
  readonly operation: FakeS3Operation;
  readonly conditional?: ConditionalHeader;
  readonly status: number;
  /** The SDK's attempt number for the call (`amz-sdk-request: attempt=N`), when sent. */
  readonly attempt?: number;
}

/** Faults to inject; change them at any time, they apply from the next request. */
export interface FakeS3Faults {
  /** The next N requests answer 503 SlowDown (the SDK retries these by default). */
  slowDown: number;
  /** The next N conditional PutObjects answer 409 ConditionalRequestConflict. */
  conflictNext: number;
  /** While true, every request answers 403 AccessDenied. */
  accessDenied: boolean;
}

/**
 * A local endpoint speaking S3's REST protocol, path-style, for tests that drive the
 * real AWS SDK over real HTTP. Signatures are accepted unchecked.
 */
export interface FakeS3 {
  /** `http://127.0.0.1:PORT`; clients need `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly region: string;
  readonly requests: readonly FakeS3Request[];
  readonly faults: FakeS3Faults;
  bucketExists(name: string): boolean;
  /** The bucket's keys in S3's listing order; throws when there is no such bucket. */
  objectKeys(bucket: string): string[];
  close(): Promise<void>;
}

export interface StartFakeS3Options {
  /** The region the endpoint serves; default `us-east-1`. Clients must sign for it. */
  readonly region?: string;
}

/**
 * Starts a fake S3 on 127.0.0.1 at a free port. Supported: CreateBucket, HeadBucket,
 * DeleteBucket, ListObjectsV2, DeleteObjects, PutObject (with `If-None-Match: *` and
 * `If-Match`), GetObject, HeadObject and DeleteObject (with `If-Match`); anything else
 * answers 501 NotImplemented.
 *
 * @example
 * const s3 = await startFakeS3();
 * after(() => s3.close());
 * const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 */
export async function startFakeS3(options: StartFakeS3Options = {}): Promise<FakeS3> {
  const state: FakeS3State = { region: options.region ?? 'us-east-1', buckets: new Map() };
  const requests: FakeS3Request[] = [];
  const faults: FakeS3Faults = { slowDown: 0, conflictNext: 0, accessDenied: false };
  const server = http.createServer((request, response) => {
    receive(request)
      .then((received) => {
        const answered = answer(state, faults, received);
        requests.push(answered.logEntry);
        send(response, received.method, answered);
      })
      .catch(() => response.destroy());
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: state.region,
    requests,
    faults,
    bucketExists: (name) => state.buckets.has(name),
    objectKeys: (name) => {
      const bucket = state.buckets.get(name);
      if (bucket === undefined) throw new Error(`the fake S3 has no bucket ${JSON.stringify(name)}`);
      return keysInByteOrder(bucket);
    },
    close: () => closeServer(server),
  };
}

async function receive(request: http.IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks) };
}

function send(response: http.ServerResponse, method: string, { reply }: Answer): void {
  response.statusCode = reply.status;
  response.setHeader('server', 'AmazonS3');
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  const bodiless = method === 'HEAD' || reply.status === 204 || reply.status === 304;
  if (bodiless || reply.body === undefined) {
    if (!bodiless) response.setHeader('content-length', '0');
    response.end();
    return;
  }
  response.setHeader('content-length', String(Buffer.byteLength(reply.body)));
  response.end(reply.body);
}
