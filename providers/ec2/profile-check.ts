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

/**
 * Checks, before any call, that `profile` is in the shared config or credentials file
 * (read by the SDK's own loader, as the credential providers will read them), so that a
 * misspelt profile is bad input (`ConfigError`, exit 2) naming the files looked at and the
 * profiles they hold, not a credentials failure from the middle of a run.
 */
export async function requireProfile(profile: string, env: ProxyEnvironment): Promise<void> {
  const files = sharedFilePaths(env);
  const loaded = await loadSharedConfigFiles({ configFilepath: files.config, filepath: files.credentials, ignoreCache: true });
  if (profile in loaded.configFile || profile in loaded.credentialsFile) return;
  const known = [...new Set([...Object.keys(loaded.configFile), ...Object.keys(loaded.credentialsFile)])]
    .filter((name) => !/^(sso-session|services)\./.test(name))
    .sort();
  const there = known.length === 0 ? 'neither file has a profile' : `profiles there: ${known.join(', ')}`;
  throw new ConfigError(
    `the AWS profile "${profile}" (the environment's profile option) is not in ${files.config} or ${files.credentials} (${there}; AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE choose other files); run \`aws configure --profile ${profile}\` (or \`aws configure sso --profile ${profile}\`) to create it, or fix the name`,
  );
}
