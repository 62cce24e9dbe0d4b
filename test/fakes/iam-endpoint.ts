import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { escapeXml } from './ec2/xml.js';
import { fakeAccountId } from './ec2/state.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/** An instance profile the fake IAM knows, with the roles in it. */
export interface FakeIamInstanceProfile {
  readonly name: string;
  /** `/` or `/a/b/`, as IAM keeps it. */
  readonly path: string;
  readonly arn: string;
  readonly roles: readonly string[];
}

/** One request the fake answered, in arrival order. */
export interface FakeIamRequest {
  readonly action: string;
  /** The form fields other than `Action` and `Version`. */
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly errorCode?: string;
}

/**
 * A local endpoint speaking IAM's Query protocol, for tests that drive the real AWS SDK
 * (`AWS_ENDPOINT_URL_IAM`, or `endpoint`). Signatures are accepted unchecked. Supported:
 * GetInstanceProfile (`NoSuchEntity`, 404, for a profile it does not know); anything else
 * answers 400 InvalidAction. `deny` makes every request answer 403 AccessDenied, as IAM
 * answers a caller whose policy lacks the action.
 */
export interface FakeIam {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly requests: readonly FakeIamRequest[];
  /** Actions answered 403 AccessDenied (`GetInstanceProfile`). */
  readonly deny: Set<string>;
  /** Adds an instance profile (path `/` unless given) with its roles; returns it. */
  addInstanceProfile(params: { readonly name: string; readonly path?: string; readonly roles?: readonly string[] }): FakeIamInstanceProfile;
  instanceProfiles(): FakeIamInstanceProfile[];
  count(action?: string): number;
  close(): Promise<void>;
}

const namespace = 'https://iam.amazonaws.com/doc/2010-05-08/';

class IamError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts a fake IAM on 127.0.0.1 at a free port.
 *
 * @example
 * const iam = await startFakeIam();
 * iam.addInstanceProfile({ name: 'envboot-controller', roles: ['envboot-controller'] });
 * after(() => iam.close());
 */
export async function startFakeIam(): Promise<FakeIam> {
  const profiles = new Map<string, FakeIamInstanceProfile>();
  const requests: FakeIamRequest[] = [];
  const deny = new Set<string>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = form.get('Action') ?? '';
      const params = Object.fromEntries([...form].filter(([name]) => name !== 'Action' && name !== 'Version'));
      const requestId = randomUUID();
      let status = 200;
      let body: string;
      let errorCode: string | undefined;
      try {
        body = responseDocument(action, requestId, handle(action, form));
      } catch (error) {
        const failure = error instanceof IamError ? error : new IamError(500, 'ServiceFailure', String(error));
        ({ status, code: errorCode } = failure);
        body = errorDocument(failure, requestId);
      }
      requests.push({ action, params, status, ...(errorCode === undefined ? {} : { errorCode }) });
      response.writeHead(status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': requestId });
      response.end(body);
    });
  });
  const handle = (action: string, form: URLSearchParams): string => {
    if (deny.has(action)) {
      throw new IamError(
        403,
        'AccessDenied',
        `User: arn:aws:iam::${fakeAccountId}:user/envboot-test is not authorized to perform: iam:${action} on resource: instance profile ` +
          `${form.get('InstanceProfileName') ?? ''} because no identity-based policy allows the iam:${action} action`,
      );
    }
    if (action !== 'GetInstanceProfile') throw new IamError(400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
    const name = form.get('InstanceProfileName');
    if (name === null || name === '') throw new IamError(400, 'ValidationError', "1 validation error detected: Value null at 'instanceProfileName' failed to satisfy constraint: Member must not be null");
    const profile = profiles.get(name);
    if (profile === undefined) throw new IamError(404, 'NoSuchEntity', `Instance Profile ${name} cannot be found.`);
    return `<GetInstanceProfileResult><InstanceProfile>${profileXml(profile)}</InstanceProfile></GetInstanceProfileResult>`;
  };
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    deny,
    addInstanceProfile: ({ name, path = '/', roles = [] }) => {
      const profile = { name, path, roles, arn: `arn:aws:iam::${fakeAccountId}:instance-profile${path}${name}` };
      profiles.set(name, profile);
      return profile;
    },
    instanceProfiles: () => [...profiles.values()],
    count: (action) => (action === undefined ? requests.length : requests.filter((entry) => entry.action === action).length),
    close: () => closeServer(server),
  };
}

function profileXml(profile: FakeIamInstanceProfile): string {
  const created = '2024-01-02T03:04:05Z';
  const roles = profile.roles
    .map(
      (role) =>
        `<member><Path>/</Path><RoleName>${escapeXml(role)}</RoleName><RoleId>AROA${idOf(role)}</RoleId>` +
        `<Arn>arn:aws:iam::${fakeAccountId}:role/${escapeXml(role)}</Arn><CreateDate>${created}</CreateDate>` +
        `<AssumeRolePolicyDocument>${encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')}</AssumeRolePolicyDocument></member>`,
    )
    .join('');
  return (
    `<InstanceProfileId>AIPA${idOf(profile.name)}</InstanceProfileId><Roles>${roles}</Roles>` +
    `<InstanceProfileName>${escapeXml(profile.name)}</InstanceProfileName><Path>${escapeXml(profile.path)}</Path>` +
    `<Arn>${escapeXml(profile.arn)}</Arn><CreateDate>${created}</CreateDate>`
  );
}

/** A stable 17-character upper-case id part from a name, as IAM's ids look. */
function idOf(name: string): string {
  return Buffer.from(name).toString('hex').toUpperCase().padEnd(17, '0').slice(0, 17);
}

function responseDocument(action: string, requestId: string, result: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

function errorDocument(error: IamError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
