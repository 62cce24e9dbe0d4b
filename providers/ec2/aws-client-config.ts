import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';
import { ProxyAgent } from 'proxy-agent';
import { AwsHttpHandler } from './aws-http-handler.js';
import { readCaBundle, type CaBundle } from './ca-bundle.js';
import { anyProxySet, chooseProxy, type ProxyEnvironment } from './proxy-choice.js';

/** A credential provider (or fixed credentials), as every SDK v3 client takes them. */
export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

export interface AwsClientConfigParams {
  /** The client's service, named in connection errors: `EC2`, `S3`, `IAM`, `STS`. */
  readonly service: string;
  /** Absent: the SDK's chain decides (AWS_REGION, the profile's region). */
  readonly region?: string | undefined;
  /** The shared-config profile whose settings (region, endpoints, …) the client reads; absent: AWS_PROFILE or `default`. */
  readonly profile?: string | undefined;
  /** Absent: the SDK's default credential chain. */
  readonly credentials?: AwsCredentials | undefined;
  /** Where HTTPS_PROXY, HTTP_PROXY, NO_PROXY, ALL_PROXY (either case) and AWS_CA_BUNDLE are read; default `process.env`. */
  readonly env?: ProxyEnvironment | undefined;
}

/** What goes into an SDK client's constructor: only the settings envboot has a reason to make. */
export interface AwsClientConfig {
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: AwsCredentials;
  /** Present only when a proxy variable or AWS_CA_BUNDLE is set; otherwise the SDK's own handler and agents (keep-alive) stay. */
  readonly requestHandler?: AwsHttpHandler;
}

/** The SDK's own agents' pool size, kept when envboot brings its agents. */
const maxSockets = 50;

/**
 * The config every AWS SDK client envboot makes starts from (EC2, S3, IAM, and the STS
 * client behind `assume-role`), so that all of them reach AWS the same way:
 *
 * - through the proxy HTTPS_PROXY / HTTP_PROXY / ALL_PROXY name (either case) unless
 *   NO_PROXY lists the endpoint, chosen per request (`chooseProxy`) by `proxy-agent`'s
 *   `ProxyAgent` in the SDK's `NodeHttpHandler`; HTTPS endpoints through a CONNECT tunnel;
 * - trusting the certificates of AWS_CA_BUNDLE beside the usual ones (a proxy that
 *   inspects TLS); a missing or unreadable file is `ConfigError`;
 * - with failures on the way (a refused proxy, its 407, an untrusted certificate) reported
 *   as `AwsConnectionError`s naming the proxy, its variable and what to change.
 *
 * With none of those variables set, no request handler is given and the SDK keeps its own.
 * Each call makes a new handler: a client destroys its handler when it is destroyed.
 *
 * @example
 * const iam = new IAMClient({ ...awsClientConfig({ service: 'IAM', region, profile: config.profile, credentials }), maxAttempts: 1 });
 */
export function awsClientConfig(params: AwsClientConfigParams): AwsClientConfig {
  const env = params.env ?? process.env;
  const base: AwsClientConfig = {
    ...(params.region === undefined ? {} : { region: params.region }),
    ...(params.profile === undefined ? {} : { profile: params.profile }),
    ...(params.credentials === undefined ? {} : { credentials: params.credentials }),
  };
  const caBundle = readCaBundle(env);
  const proxied = anyProxySet(env);
  if (!proxied && caBundle === undefined) return base;
  const secureContext: { secureContext?: SecureContext } = caBundle === undefined ? {} : { secureContext: createSecureContext({ ca: [...caBundle.ca] }) };
  const handler = proxied
    ? proxiedHandler(params.service, env, caBundle, secureContext)
    : new AwsHttpHandler({ service: params.service, env, caBundle, httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets, ...secureContext }) });
  return { ...base, requestHandler: handler };
}

function proxiedHandler(service: string, env: ProxyEnvironment, caBundle: CaBundle | undefined, secureContext: { secureContext?: SecureContext }): AwsHttpHandler {
  const getProxyForUrl = (url: string): string => chooseProxy(url, env)?.url ?? '';
  // Endpoints NO_PROXY names are reached directly, through these (keep-alive, as the SDK's own).
  const direct = { httpAgent: new HttpAgent({ keepAlive: true, maxSockets }), httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets, ...secureContext }) };
  // https:// goes through a CONNECT tunnel, kept alive like any TLS connection. http:// is
  // forwarded in absolute form on a connection per request: http-proxy-agent rewrites a
  // request's path only when it connects, so a reused connection would send the path alone.
  const httpsAgent = new ProxyAgent({ keepAlive: true, maxSockets, ...secureContext, getProxyForUrl, ...direct });
  const httpAgent = new ProxyAgent({ keepAlive: false, maxSockets, getProxyForUrl, ...direct });
  return new AwsHttpHandler({ service, env, caBundle, httpAgent, httpsAgent, innerAgents: Object.values(direct) });
}
