import path from 'node:path';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { ConfigError } from '../../src/index.js';
import type { ProxyEnvironment } from './proxy-choice.js';

/** The shared files the SDK reads profiles from, as it resolves them. */
export function sharedFilePaths(env: ProxyEnvironment): { readonly config: string; readonly credentials: string } {
  const home = getHomeDir();
  const resolve = (value: string | undefined, fallback: string): string => {
    const file = value === undefined || value === '' ? fallback : value;
    return file.startsWith('~/') ? path.join(home, file.slice(2)) : file;
  };
  return {
    config: resolve(env['AWS_CONFIG_FILE'], path.join(home, '.aws', 'config')),
    credentials: resolve(env['AWS_SHARED_CREDENTIALS_FILE'], path.join(home, '.aws', 'credentials')),
  };
}

/** Where the profile to use was named: the environment's `profile` option, or AWS_PROFILE. */
export type ProfileSource = 'option' | 'AWS_PROFILE';

/**
 * The profile the SDK's clients will use and where it was named: the `profile` option,
 * else a non-empty AWS_PROFILE (as the SDK reads it), else none (the SDK's `default`
 * profile, or keys from the environment or an instance role: nothing to check).
 */
export function chosenProfile(profile: string | undefined, env: ProxyEnvironment): { readonly name: string; readonly source: ProfileSource } | undefined {
  if (profile !== undefined) return { name: profile, source: 'option' };
  const named = env['AWS_PROFILE'];
  return named === undefined || named === '' ? undefined : { name: named, source: 'AWS_PROFILE' };
}

/**
 * Checks, before any call, that `profile` is in the shared config or credentials file
 * (read by the SDK's own loader, as the credential providers will read them), so that a
 * misspelt profile, whether the `profile` option or AWS_PROFILE named it, is bad input
 * (`ConfigError`, exit 2) naming the profile, where it was named, the files looked at
 * and the profiles they hold, as the AWS CLI refuses a profile it cannot find; not a
 * credentials failure from the middle of a run that says to set AWS_PROFILE.
 */
export async function requireProfile(profile: string, env: ProxyEnvironment, source: ProfileSource = 'option'): Promise<void> {
  const files = sharedFilePaths(env);
  const loaded = await loadSharedConfigFiles({ configFilepath: files.config, filepath: files.credentials, ignoreCache: true });
  if (profile in loaded.configFile || profile in loaded.credentialsFile) return;
  const known = [...new Set([...Object.keys(loaded.configFile), ...Object.keys(loaded.credentialsFile)])]
    .filter((name) => !/^(sso-session|services)\./.test(name))
    .sort();
  const there = known.length === 0 ? 'neither file has a profile' : `profiles there: ${known.join(', ')}`;
  const named = source === 'option' ? "the environment's profile option" : 'from AWS_PROFILE';
  const fix = source === 'option' ? 'or fix the name' : 'or fix AWS_PROFILE (unset it to use the default credentials)';
  throw new ConfigError(
    `the AWS profile "${profile}" (${named}) is not in ${files.config} or ${files.credentials} (${there}; AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE choose other files); run \`aws configure --profile ${profile}\` (or \`aws configure sso --profile ${profile}\`) to create it, ${fix}`,
  );
}
