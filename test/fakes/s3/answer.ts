import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeS3Faults, FakeS3Request } from '../s3-endpoint.js';
import { createBucket, deleteBucket, headBucket } from './bucket-operations.js';
import { deleteObjects } from './delete-objects.js';
import type { FakeS3State, OperationHandler, S3Reply } from './exchange.js';
import { listObjectsV2 } from './list-objects-v2.js';
import { deleteObject, getObject, headObject, putObject } from './object-operations.js';
import { conditionalHeaderOf } from './preconditions.js';
import { decodeBody, headerText } from './request-body.js';
import { type RequestTarget, type S3Operation, operationOf, parseTarget } from './request-target.js';
import { S3Error, accessDenied, conditionalRequestConflict, slowDown } from './s3-error.js';
import { textElement } from './xml.js';

const handlers: Readonly<Record<Exclude<S3Operation, 'Unsupported'>, OperationHandler>> = {
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  ListObjectsV2: listObjectsV2,
  DeleteObjects: deleteObjects,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
};

/** A request whose body has been read in full. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Answer {
  readonly reply: S3Reply;
  readonly logEntry: FakeS3Request;
}

/**
 * Answers one request synchronously: faults first, then routing, body checks and the
 * operation. Running to completion without awaiting is what makes conditional writes
 * atomic here, as they are on S3.
 */
export function answer(state: FakeS3State, faults: FakeS3Faults, request: ReceivedRequest): Answer {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const conditional = conditionalHeaderOf(request.headers);
  let target: RequestTarget | undefined;
  let operation: S3Operation = 'Unsupported';
  let reply: S3Reply;
  try {
    target = parseTarget(request.url);
    operation = operationOf(request.method, target, request.headers);
    reply = run(state, faults, request, { target, operation });
  } catch (error) {
    reply = errorReply(error instanceof S3Error ? error : internalError(error), requestId);
  }
  const attempt = /attempt=(\d+)/.exec(headerText(request.headers, 'amz-sdk-request'))?.[1];
  const logEntry: FakeS3Request = {
    method: request.method,
    bucket: target?.bucket ?? '',
    ...(target === undefined || target.key === '' ? {} : { key: target.key }),
    operation,
    ...(conditional === undefined ? {} : { conditional }),
    status: reply.status,
    ...(attempt === undefined ? {} : { attempt: Number(attempt) }),
  };
  const headers = { ...reply.headers, 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(24).toString('base64') };
  return { reply: { ...reply, headers }, logEntry };
}

function run(
  state: FakeS3State,
  faults: FakeS3Faults,
  request: ReceivedRequest,
  routed: { readonly target: RequestTarget; readonly operation: S3Operation },
): S3Reply {
  if (faults.accessDenied) throw accessDenied();
  if (faults.slowDown > 0) {
    faults.slowDown -= 1;
    throw slowDown();
  }
  checkSigningRegion(request.headers, state.region);
  if (routed.operation === 'Unsupported') {
    throw new S3Error(501, 'NotImplemented', 'The fake S3 endpoint does not implement this request', {
      Method: request.method,
      Resource: request.url,
    });
  }
  const body = decodeBody(request.body, request.headers);
  if (routed.operation === 'PutObject' && conditionalHeaderOf(request.headers) !== undefined && faults.conflictNext > 0) {
    faults.conflictNext -= 1;
    throw conditionalRequestConflict(routed.target.key);
  }
  return handlers[routed.operation](state, {
    target: routed.target,
    headers: request.headers,
    body: body.bytes,
    checksum: body.checksum,
  });
}

/**
 * Signatures are never checked, but a SigV4 credential scope naming another region is
 * refused as S3 refuses it, so a client configured for the wrong region fails here too.
 */
function checkSigningRegion(headers: IncomingHttpHeaders, region: string): void {
  const signed = /Credential=[^/,]+\/\d{8}\/([^/,]+)\/s3\/aws4_request/.exec(headerText(headers, 'authorization'))?.[1];
  if (signed === undefined || signed === region) return;
  throw new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${signed}' is wrong; expecting '${region}'`, {
    Region: region,
  });
}

function internalError(error: unknown): S3Error {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new S3Error(500, 'InternalError', `fake S3 endpoint bug: ${detail}`);
}

function errorReply(error: S3Error, requestId: string): S3Reply {
  const children = [
    textElement('Code', error.code),
    textElement('Message', error.message),
    ...Object.entries(error.details).map(([name, value]) => textElement(name, value)),
    textElement('RequestId', requestId),
  ];
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${children.join('')}</Error>`,
  };
}
