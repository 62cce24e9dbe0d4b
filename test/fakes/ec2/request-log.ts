import type { IncomingHttpHeaders } from 'node:http';

/** One request the fake answered, in arrival order. */
export interface FakeEc2Request {
  /** `RunInstances`, …; empty when the request named none. */
  readonly action: string;
  /**
   * The decoded form fields other than `Action` and `Version`. `UserData` is replaced by its
   * decoded size (`<1234 bytes>`), so a log never holds user data, which carries secrets.
   */
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  /** The error `Code` when the request failed. */
  readonly errorCode?: string;
  /** The SDK's attempt number for the call (`amz-sdk-request: attempt=N; max=M`), when sent. */
  readonly attempt?: number;
  /** The access key id the request was signed with (`Authorization: … Credential=KEY/…`): whose credentials were used. */
  readonly accessKeyId?: string;
}

export function loggedParams(fields: ReadonlyMap<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name === 'Action' || name === 'Version') continue;
    params[name] = name === 'UserData' ? `<${Buffer.from(value, 'base64').length} bytes>` : value;
  }
  return params;
}

export function attemptOf(headers: IncomingHttpHeaders): number | undefined {
  const header = headers['amz-sdk-request'];
  const attempt = /attempt=(\d+)/.exec(Array.isArray(header) ? header.join(',') : (header ?? ''))?.[1];
  return attempt === undefined ? undefined : Number(attempt);
}

/** `{ accessKeyId }` from a SigV4 `Authorization` header (the key id only, never the signature), or `{}`. */
export function signedBy(headers: IncomingHttpHeaders): { accessKeyId?: string } {
  const key = /Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];
  return key === undefined ? {} : { accessKeyId: key };
}
