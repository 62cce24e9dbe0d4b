import http from 'node:http';
import { signedBy } from './ec2/request-log.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/** A role the fake account has, and what its trust policy asks of a caller. */
export interface FakeStsRole {
  readonly arn: string;
  /** The `sts:ExternalId` its trust policy requires; absent: none. */
  readonly externalId?: string;
  /** The role's MaxSessionDuration in seconds; default 3600, as IAM's. */
  readonly maxSessionSeconds?: number;
}

/** One request the fake answered, in arrival order. */
export interface FakeStsRequest {
  readonly action: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  /** The access key id the caller signed with: whose credentials assumed the role. */
  readonly callerAccessKeyId?: string;
  readonly status: number;
  readonly errorCode?: string;
  /** The session's access key id, when credentials were issued. */
  readonly issuedAccessKeyId?: string;
}

export interface FakeSts {
  /** `http://127.0.0.1:PORT`: give it as AWS_ENDPOINT_URL_STS. */
  readonly endpoint: string;
  readonly requests: readonly FakeStsRequest[];
  /** While true, every AssumeRole is refused with AccessDenied, as a trust policy that does not name the caller refuses it. */
  refuseAll: boolean;
  close(): Promise<void>;
}

export interface StartFakeStsOptions {
  readonly roles?: readonly FakeStsRole[];
}

const namespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * A local endpoint speaking STS's Query protocol (`AssumeRole` only; anything else
 * answers 400 InvalidAction), for tests that drive the real SDK's credential providers.
 * Signatures are accepted unchecked, but the caller's access key id is recorded. A role
 * not in `roles`, a wrong or missing external id, or `refuseAll` answers 403 AccessDenied;
 * a duration above the role's maximum, or above an hour for a caller signing with temporary
 * (`ASIA…`) keys, which is role chaining, answers 400 ValidationError, as STS does. Issued
 * session keys are `ASIAFAKESESSION0001`, `…0002`, … and expire after the duration asked.
 *
 * @example
 * const sts = await startFakeSts({ roles: [{ arn: 'arn:aws:iam::123456789012:role/deployer' }] });
 * after(() => sts.close());
 */
export async function startFakeSts(options: StartFakeStsOptions = {}): Promise<FakeSts> {
  const requests: FakeStsRequest[] = [];
  const roles = new Map((options.roles ?? []).map((role) => [role.arn, role]));
  let issued = 0;
  const fake = {
    refuseAll: false,
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const asked = {
        action: form.get('Action') ?? '',
        ...optionalField('roleArn', form.get('RoleArn')),
        ...optionalField('externalId', form.get('ExternalId')),
        ...optionalField('sessionName', form.get('RoleSessionName')),
        ...(form.get('DurationSeconds') === null ? {} : { durationSeconds: Number(form.get('DurationSeconds')) }),
        ...optionalField('callerAccessKeyId', signedBy(request.headers).accessKeyId),
      };
      const role = asked.roleArn === undefined ? undefined : roles.get(asked.roleArn);
      let reply: { status: number; body: string; errorCode?: string; issuedAccessKeyId?: string };
      if (asked.action !== 'AssumeRole') reply = failure(400, 'InvalidAction', `Could not find operation ${asked.action}`);
      else if (fake.refuseAll || role === undefined || (role.externalId !== undefined && role.externalId !== asked.externalId)) {
        reply = failure(403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/caller is not authorized to perform: sts:AssumeRole on resource: ${asked.roleArn ?? ''}`);
      } else if ((asked.callerAccessKeyId ?? '').startsWith('ASIA') && (asked.durationSeconds ?? 3600) > 3600) {
        // A caller signing with temporary keys (a role's, an SSO session's) is chaining roles: STS caps that at an hour.
        reply = failure(400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
      } else if ((asked.durationSeconds ?? 3600) > (role.maxSessionSeconds ?? 3600)) {
        reply = failure(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
      } else {
        issued += 1;
        const accessKeyId = `ASIAFAKESESSION${String(issued).padStart(4, '0')}`;
        const expiration = new Date(Date.now() + (asked.durationSeconds ?? 3600) * 1000).toISOString();
        reply = { status: 200, body: credentialsXml(accessKeyId, expiration, role.arn, asked.sessionName ?? ''), issuedAccessKeyId: accessKeyId };
      }
      requests.push({ ...asked, status: reply.status, ...optionalField('errorCode', reply.errorCode), ...optionalField('issuedAccessKeyId', reply.issuedAccessKeyId) });
      response.writeHead(reply.status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(reply.body)), 'x-amzn-requestid': `fake-${requests.length}` });
      response.end(reply.body);
    });
  });
  const port = await listenOnLoopback(server);
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => closeServer(server),
  });
}

function credentialsXml(accessKeyId: string, expiration: string, roleArn: string, sessionName: string): string {
  const roleName = roleArn.replace(/^.*:role\/(?:.*\/)?/, '');
  return `<AssumeRoleResponse xmlns="${namespace}"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId>`
    + `<SecretAccessKey>fake-session-secret-${accessKeyId}</SecretAccessKey><SessionToken>fake-session-token-${accessKeyId}</SessionToken>`
    + `<Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKEROLE:${escapeXml(sessionName)}</AssumedRoleId>`
    + `<Arn>arn:aws:sts::123456789012:assumed-role/${escapeXml(roleName)}/${escapeXml(sessionName)}</Arn></AssumedRoleUser>`
    + '<PackedPolicySize>0</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></AssumeRoleResponse>';
}

function failure(status: number, code: string, message: string): { status: number; body: string; errorCode: string } {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body = `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`;
  return { status, body, errorCode: code };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function optionalField<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
