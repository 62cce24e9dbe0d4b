import { ConfigError, CredentialsError, ErrorCode, ZoneIndependentError } from '../../src/index.js';
import { awsClientConfig, type AwsCredentials } from './aws-client-config.js';
import { defaultSessionName, type Ec2AssumeRole } from './config-access.js';
import { missingSdk } from './missing-sdk.js';
import { sharedFilePaths } from './profile-check.js';
import type { ProxyEnvironment } from './proxy-choice.js';
import { shareCredentials, type CredentialProvider } from './shared-credentials.js';

/** Which identity an environment's AWS calls are made as: the `profile` and `assume-role` options. */
export interface AwsAccess {
  readonly profile?: string | undefined;
  readonly assumeRole?: Ec2AssumeRole | undefined;
  /** The environment's name: the role session is `envboot-<name>` unless `assumeRole.sessionName` says otherwise. */
  readonly environmentName?: string | undefined;
}

export interface AwsCredentialsParams {
  readonly access: AwsAccess;
  /** The clients' region: STS is called there. */
  readonly region: string;
  readonly env: ProxyEnvironment;
}

/**
 * The credentials every client of one environment signs with, through the SDK's own
 * providers (`@aws-sdk/credential-providers`, loaded only when an option needs it):
 *
 * - no `profile` and no `assume-role`: undefined, the SDK's default chain (AWS_PROFILE,
 *   the AWS_ACCESS_KEY_ID variables, SSO, an instance role);
 * - `profile`: `fromIni` with that profile (keys, SSO, `credential_process`, or a role of
 *   the profile's own), which wins over AWS_PROFILE and the key variables, as the AWS
 *   CLI's `--profile` does (check that it exists first: `requireProfile`);
 * - `assume-role`: `fromTemporaryCredentials` (STS AssumeRole, renewed before expiry),
 *   with the profile's credentials, or the default chain's, as the master credentials.
 *
 * One provider serves every client, so a role is assumed once per session, not per client;
 * the STS, SSO and IAM clients behind it reach AWS as the others do (`awsClientConfig`:
 * proxies, AWS_CA_BUNDLE) and honour AWS_ENDPOINT_URL_STS. A refused AssumeRole is a
 * `CredentialsError` naming the role and what the caller needs.
 */
export async function awsCredentials(params: AwsCredentialsParams): Promise<AwsCredentials | undefined> {
  const { access, region, env } = params;
  if (access.profile === undefined && access.assumeRole === undefined) return undefined;
  const providers = await import('@aws-sdk/credential-providers').catch((error: unknown) => {
    throw missingSdk(error) ?? error;
  });
  const stsConfig = awsClientConfig({ service: 'STS', region, profile: access.profile, env });
  // The files `requireProfile` checked, whatever `env` says, rather than the process's own.
  const files = sharedFilePaths(env);
  const profile = access.profile;
  const master: CredentialProvider = profile === undefined
    ? providers.fromNodeProviderChain({ clientConfig: stsConfig })
    : explained(providers.fromIni({ profile, filepath: files.credentials, configFilepath: files.config, clientConfig: stsConfig }), (error) => profileFailure(error, profile));
  const role = access.assumeRole;
  if (role === undefined) return shareCredentials(master);
  const assumed = providers.fromTemporaryCredentials({
    params: {
      RoleArn: role.arn,
      RoleSessionName: role.sessionName ?? defaultSessionName(access.environmentName),
      ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      ...(role.durationSeconds === undefined ? {} : { DurationSeconds: role.durationSeconds }),
    },
    masterCredentials: master,
    clientConfig: awsClientConfig({ service: 'STS', region, profile, env }),
  });
  return shareCredentials(explained(assumed, (error) => assumeRoleFailure(error, role, profile)));
}

function explained(provider: CredentialProvider, explain: (error: unknown) => Error): CredentialProvider {
  return async (properties) => {
    try {
      return await provider(properties);
    } catch (error) {
      throw isEnvbootError(error) ? error : explain(error);
    }
  };
}

const refusedCredentialCodes = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException']);

function assumeRoleFailure(error: unknown, role: Ec2AssumeRole, profile: string | undefined): Error {
  const { name, message, status } = sdkFacts(error);
  const what = `assuming role ${role.arn}: ${message}${message.includes(name) ? '' : ` (${name})`}`;
  const caller = profile === undefined ? 'the credentials in use (AWS_PROFILE, the AWS_ACCESS_KEY_ID variables, or an instance role)' : `the credentials of profile "${profile}"`;
  if (name === 'CredentialsProviderError') return new CredentialsError(`${what}; no credentials to assume it with were found: check ${caller}`, { cause: error });
  if (refusedCredentialCodes.has(name)) return new CredentialsError(`${what}; AWS refused the credentials the role is assumed with: check ${caller}`, { cause: error });
  if (name === 'AccessDenied' || status === 403) {
    const trust = role.externalId === undefined ? '' : ' and this external-id';
    return new CredentialsError(`${what}; ${caller} need sts:AssumeRole on ${role.arn}, and the role's trust policy must allow them${trust}`, { cause: error });
  }
  if (name === 'ValidationError' && /role chaining/i.test(message)) {
    const source = profile === undefined ? 'the credentials in use are' : `profile "${profile}" gives`;
    return new ConfigError(
      `${what}; ${source} a role's or an SSO session's, and STS allows such a chained session at most 1h whatever the role's maximum: set assume-role.duration to 1h or less, or remove it`,
      { cause: error },
    );
  }
  if (name === 'ValidationError' && /duration/i.test(message)) {
    return new ConfigError(`${what}; lower assume-role.duration to at most the role's maximum session duration (\`aws iam get-role\` shows MaxSessionDuration)`, { cause: error });
  }
  if (name === 'RegionDisabledException') return new ConfigError(`${what}; activate STS in this region (IAM account settings) or choose another region`, { cause: error });
  return new ZoneIndependentError(new Error(what, { cause: error }));
}

function profileFailure(error: unknown, profile: string): Error {
  const { name, message } = sdkFacts(error);
  return new CredentialsError(
    `profile "${profile}" gives no usable credentials: ${message} (${name}); run \`aws configure --profile ${profile}\`, or \`aws sso login --profile ${profile}\` for an SSO profile`,
    { cause: error },
  );
}

function sdkFacts(error: unknown): { name: string; message: string; status: number | undefined } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const message = typeof e.message === 'string' ? e.message.trim().replace(/\.$/, '') : String(error);
  return { name: typeof e.name === 'string' ? e.name : 'Error', message, status: e.$metadata?.httpStatusCode };
}

const envbootCodes: ReadonlySet<string> = new Set(Object.values(ErrorCode));

function isEnvbootError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && envbootCodes.has(code);
}
