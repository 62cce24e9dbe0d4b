import type { AwsCredentials } from './aws-client-config.js';

/** A credential provider function, as the SDK calls it. */
export type CredentialProvider = Extract<AwsCredentials, (...args: never[]) => unknown>;
type Identity = Awaited<ReturnType<CredentialProvider>>;

/** Renew this long before the credentials expire, so that no request is signed with a session about to end. */
const renewBeforeMs = 5 * 60_000;

/**
 * One provider for every client of an environment: the SDK memoizes credentials per
 * client, so without this each client (EC2, S3, IAM) would assume the role, or run an SSO
 * or `credential_process` lookup, on its own. Concurrent callers share one lookup; a
 * failed lookup is forgotten (the next call tries again); credentials within five minutes
 * of their expiry are looked up anew.
 */
export function shareCredentials(provider: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let current: Promise<Identity> | undefined;
  const lookUp = (properties: Parameters<CredentialProvider>[0]): Promise<Identity> => {
    const pending = provider(properties);
    current = pending;
    pending.catch(() => {
      if (current === pending) current = undefined;
    });
    return pending;
  };
  return async (properties) => {
    const cached = current;
    if (cached === undefined) return lookUp(properties);
    const identity = await cached;
    const expiresAt = identity.expiration?.getTime();
    if (expiresAt === undefined || expiresAt - now() > renewBeforeMs) return identity;
    // Another caller may have started the renewal while this one waited.
    return current === cached ? lookUp(properties) : (current ?? lookUp(properties));
  };
}
