import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ActionHandler } from './action.js';
import { describeInstanceAttribute } from './attribute-actions.js';
import { getConsoleOutput } from './console-actions.js';
import { Ec2Error } from './ec2-error.js';
import { type FakeEc2Faults, checkRequestFaults } from './faults.js';
import { describeImages } from './image-actions.js';
import { authorizeSecurityGroupIngress } from './ingress-rules.js';
import { describeInstances, terminateInstances } from './instance-actions.js';
import { describeInstanceTypes } from './instance-type-actions.js';
import { describeSubnets, describeVpcs } from './network-actions.js';
import { QueryParams } from './query-params.js';
import { type FakeEc2Request, attemptOf, loggedParams } from './request-log.js';
import { revokeSecurityGroupIngress } from './revoke-ingress.js';
import { runInstances } from './run-instances.js';
import { createSecurityGroup, deleteSecurityGroup, describeSecurityGroups } from './security-group-actions.js';
import type { Ec2State } from './state.js';
import { deleteVolume, describeVolumes } from './volume-actions.js';
import { errorDocument, responseDocument } from './xml.js';
import { describeAvailabilityZones, describeInstanceTypeOfferings } from './zone-actions.js';

const handlers: Readonly<Record<string, ActionHandler>> = {
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeImages: describeImages,
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
  CreateSecurityGroup: createSecurityGroup,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  DeleteSecurityGroup: deleteSecurityGroup,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  DescribeVolumes: describeVolumes,
  DeleteVolume: deleteVolume,
  GetConsoleOutput: getConsoleOutput,
  DescribeInstanceAttribute: describeInstanceAttribute,
};

/** A request whose body has been read in full. */
export interface ReceivedRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Ec2Reply {
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
}

/** What an answer needs besides the request: the resources, the faults, and the throttling draws. */
export interface Exchange {
  readonly state: Ec2State;
  readonly faults: FakeEc2Faults;
  readonly draw: () => number;
}

/**
 * Answers one request synchronously: faults first, then the signing scope, then the action.
 * Form fields may come in the body (as the SDK sends them) or the query string.
 */
export function answer(exchange: Exchange, request: ReceivedRequest): { reply: Ec2Reply; logEntry: FakeEc2Request } {
  const requestId = randomUUID();
  const query = new URL(request.url, 'http://fake').searchParams;
  const fields = new Map([...query, ...new URLSearchParams(request.body.toString('utf8'))]);
  const action = fields.get('Action') ?? '';
  // One draw per request, used or not, so the n-th request always gets the n-th draw.
  const draw = exchange.draw();
  let reply: Ec2Reply;
  let errorCode: string | undefined;
  try {
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    checkRequestFaults(exchange.faults, action, draw);
    checkSigningRegion(request.headers, exchange.state.region);
    if (handler === undefined) throw new Ec2Error(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    const children = handler(exchange.state, { params: new QueryParams(fields), faults: exchange.faults });
    reply = { status: 200, body: responseDocument(action, requestId, children), requestId };
  } catch (thrown) {
    const error = thrown instanceof Ec2Error ? thrown : internalError(thrown);
    errorCode = error.code;
    reply = { status: error.status, body: errorDocument(error.code, error.message, requestId), requestId };
  }
  const attempt = attemptOf(request.headers);
  const logEntry: FakeEc2Request = {
    action,
    params: loggedParams(fields),
    status: reply.status,
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(attempt === undefined ? {} : { attempt }),
  };
  return { reply, logEntry };
}

/**
 * Signatures are never checked, but a SigV4 credential scope naming another region is
 * refused as EC2 refuses it, so a client configured for the wrong region fails here too.
 */
function checkSigningRegion(headers: IncomingHttpHeaders, region: string): void {
  const authorization = headers.authorization ?? '';
  const signed = /Credential=[^/,]+\/\d{8}\/([^/,]+)\/ec2\/aws4_request/.exec(authorization)?.[1];
  if (signed === undefined || signed === region) return;
  throw new Ec2Error(401, 'AuthFailure', 'Credential should be scoped to a valid region.');
}

function internalError(error: unknown): Ec2Error {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new Ec2Error(500, 'InternalError', `fake EC2 endpoint bug: ${detail}`);
}
