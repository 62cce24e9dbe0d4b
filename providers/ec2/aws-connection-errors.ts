import { EnvbootError, ErrorCode } from '../../src/index.js';
import type { CaBundle } from './ca-bundle.js';
import { describeProxy, type ChosenProxy } from './proxy-choice.js';

/**
 * A request to an AWS endpoint failed on the way, before AWS answered: a proxy that could
 * not be reached or asked for credentials, or a TLS certificate that is not trusted. The
 * message names the proxy (its password never) and the variable it came from, or the CA
 * bundle, and what to change. Zone-independent (every zone would fail the same way); the
 * `name` says which failure it is, for logs and S3's error wrapping.
 */
export class AwsConnectionError extends EnvbootError {
  constructor(name: 'ProxyUnreachable' | 'ProxyAuthenticationRequired' | 'ProxyConnectionFailed' | 'CertificateNotTrusted', message: string, cause?: unknown) {
    super(ErrorCode.ZoneIndependent, message, cause === undefined ? {} : { cause });
    this.name = name;
  }
}

/** What the failed request was: for whom, to where, through which proxy. */
export interface ConnectionFailure {
  /** `EC2`, `S3`, `STS`: the service the client speaks to. */
  readonly service: string;
  /** `host:port` of the endpoint. */
  readonly target: string;
  readonly proxy: ChosenProxy | undefined;
  readonly caBundle: CaBundle | undefined;
}

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const cutOff = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const untrusted = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
/** TLS met something that is not TLS: a proxy's plain HTTP port spoken to as https://, or a proxy answering in clear inside the tunnel. */
const notTls = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);
const refusedCertificate = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/**
 * The error a connection failure means, or undefined when `error` is not one this module
 * explains (AWS's own answers, cancellation, timeouts of a direct request): those are left
 * to the provider's translation. Through a proxy, the proxy is the only host the client
 * connects to, so a refused or unresolvable connection is the proxy's.
 */
export function explainConnectionFailure(error: unknown, failure: ConnectionFailure): AwsConnectionError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const { proxy, service, target } = failure;
  if (proxy !== undefined && unreachable.has(code)) {
    const next = `check ${proxy.variable} (host and port) and that the proxy is running, or add ${target.replace(/:\d+$/, '')} to NO_PROXY to reach ${service} directly`;
    return new AwsConnectionError('ProxyUnreachable', `cannot reach the proxy ${describeProxy(proxy)} to call ${service} at ${target}: ${code}; ${next}`, error);
  }
  if (proxy !== undefined && cutOff.has(code)) {
    const next = `check that the proxy allows ${target}, or add its host to NO_PROXY to go directly`;
    return new AwsConnectionError('ProxyConnectionFailed', `the connection to ${service} at ${target} through the proxy ${describeProxy(proxy)} failed: ${code}; ${next}`, error);
  }
  if (proxy !== undefined && notTls.has(code)) {
    const plain = proxy.url.startsWith('https://')
      ? `${proxy.variable} says https://, but the proxy does not speak TLS there: most proxies take http:// (the tunnel to AWS is TLS all the same)`
      : `check that ${proxy.variable} names the proxy's HTTP port, and that the proxy allows CONNECT to ${target}`;
    return new AwsConnectionError('ProxyConnectionFailed', `the TLS connection to ${service} at ${target} through the proxy ${describeProxy(proxy)} failed: ${code}; ${plain}`, error);
  }
  if (untrusted.has(code) || refusedCertificate.has(code)) {
    const through = proxy === undefined ? '' : ` (through the proxy ${describeProxy(proxy)})`;
    const what = untrusted.has(code) ? 'is not signed by a trusted CA' : 'was refused';
    const next = untrusted.has(code) ? certificateNext(failure.caBundle) : 'check the endpoint (AWS_ENDPOINT_URL_*, the region) and this machine\'s clock';
    return new AwsConnectionError('CertificateNotTrusted', `the TLS certificate of ${service} at ${target}${through} ${what} (${code}); ${next}`, error);
  }
  return undefined;
}

/** The error for a proxy's 407 answer: it wants credentials, or refused the ones in its URL. */
export function proxyAuthenticationRequired(proxy: ChosenProxy, failure: Pick<ConnectionFailure, 'service' | 'target'>): AwsConnectionError {
  const hasCredentials = /^[a-z][a-z0-9+.-]*:\/\/[^/@]+@/i.test(proxy.url);
  const next = hasCredentials
    ? `the proxy refused the user and password in ${proxy.variable}; check them (special characters must be percent-encoded, e.g. @ as %40)`
    : `give the proxy's user and password in ${proxy.variable}: http://USER:PASSWORD@host:port (percent-encode special characters)`;
  return new AwsConnectionError(
    'ProxyAuthenticationRequired',
    `the proxy ${describeProxy(proxy)} answered 407 Proxy Authentication Required to the call to ${failure.service} at ${failure.target}; ${next}`,
  );
}

function certificateNext(caBundle: CaBundle | undefined): string {
  return caBundle === undefined
    ? 'if a proxy inspects TLS, set AWS_CA_BUNDLE to the PEM file of its CA certificate (ask whoever runs the proxy)'
    : `AWS_CA_BUNDLE=${caBundle.path} does not hold the CA that signed it; add that CA's certificate (PEM) to the file`;
}
