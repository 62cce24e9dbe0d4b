import { defaultSessionName } from './config-access.js';
import type { Ec2Config } from './config.js';
import { sharedFilePaths } from './profile-check.js';
import { anyProxySet, chooseProxy, describeProxy, type ProxyEnvironment } from './proxy-choice.js';

export interface AwsAccessNotesParams {
  readonly config: Pick<Ec2Config, 'profile' | 'assumeRole'>;
  readonly region: string;
  readonly environmentName: string;
  /** Default `process.env`: what the real run's clients would read. */
  readonly env?: ProxyEnvironment | undefined;
}

/**
 * What a dry run says about how the run reaches AWS, as a Terraform or Juju user expects to
 * see it before anything happens: whose credentials (the profile and its files, or the
 * SDK's chain), the role every call is made as, and whether EC2 and S3 go through a proxy
 * (its password never shown) or directly, and a CA bundle in use.
 */
export function awsAccessNotes(params: AwsAccessNotesParams): string[] {
  const env = params.env ?? process.env;
  const { profile, assumeRole } = params.config;
  const files = sharedFilePaths(env);
  const chain = env['AWS_PROFILE'] === undefined || env['AWS_PROFILE'] === '' ? "the SDK's default chain" : `the SDK's default chain (AWS_PROFILE=${env['AWS_PROFILE']})`;
  const notes = [
    `AWS credentials: ${profile === undefined ? chain : `profile "${profile}" (${files.config}, ${files.credentials})`}`,
  ];
  if (assumeRole !== undefined) {
    const session = assumeRole.sessionName ?? defaultSessionName(params.environmentName);
    const extras = [`session ${session}`, ...(assumeRole.externalId === undefined ? [] : ['with an external id']), ...(assumeRole.durationSeconds === undefined ? [] : [`${assumeRole.durationSeconds}s sessions`])];
    notes.push(`every AWS call is made as role ${assumeRole.arn} (${extras.join(', ')}), assumed with those credentials, which need sts:AssumeRole on it; the permissions above are the role's`);
  }
  const route = proxyNote(params.region, env);
  // The common case (the chain's credentials, no role, no proxy) is one line: a plan is read on one screen.
  if (profile === undefined && assumeRole === undefined && !anyProxySet(env)) return [`${notes[0] ?? ''}; ${route.replace(/^AWS calls: /, 'calls go ')}`];
  notes.push(route);
  return notes;
}

function proxyNote(region: string, env: ProxyEnvironment): string {
  const bundle = env['AWS_CA_BUNDLE'] === undefined || env['AWS_CA_BUNDLE'] === '' ? '' : `; TLS also trusts AWS_CA_BUNDLE=${env['AWS_CA_BUNDLE']}`;
  if (!anyProxySet(env)) return `AWS calls: directly (no HTTPS_PROXY, HTTP_PROXY or ALL_PROXY set)${bundle}`;
  const endpoint = (service: string, host: string): string => env[`AWS_ENDPOINT_URL_${service}`] ?? env['AWS_ENDPOINT_URL'] ?? `https://${host}.${region}.amazonaws.com`;
  // Services that go the same way are named together: "EC2 and S3 through the proxy …".
  const routes = new Map<string, string[]>();
  for (const [service, url] of [['EC2', endpoint('EC2', 'ec2')], ['S3', endpoint('S3', 's3')]] as const) {
    const proxy = chooseProxy(url, env);
    const route = proxy === undefined ? `directly (${directBecause(url, env)})` : `through the proxy ${describeProxy(proxy)}`;
    routes.set(route, [...(routes.get(route) ?? []), service]);
  }
  return `AWS calls: ${[...routes].map(([route, services]) => `${services.join(' and ')} ${route}`).join('; ')}${bundle}`;
}

/** Why a request goes directly: NO_PROXY names its endpoint, or no variable names a proxy for its scheme. */
function directBecause(url: string, env: ProxyEnvironment): string {
  if (chooseProxy(url, { ...env, NO_PROXY: undefined, no_proxy: undefined }) !== undefined) return 'NO_PROXY';
  const scheme = new URL(url).protocol.replace(/:$/, '').toUpperCase();
  return `no ${scheme}_PROXY or ALL_PROXY`;
}
