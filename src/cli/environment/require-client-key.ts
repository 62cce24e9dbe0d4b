import { ConfigError } from '../../errors/index.js';
import type { SshKeyPair } from '../../ssh/index.js';
import { clientKeyFile, readClientKey } from '../records/client-key.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/** The environment's client key, which every command that reaches its machines needs. */
export async function requireClientKey(environment: ResolvedEnvironment): Promise<SshKeyPair> {
  const key = await readClientKey(environment.dir);
  if (key !== undefined) return key;
  throw new ConfigError(
    `this client has no key for environment "${environment.name}" (expected ${clientKeyFile(environment.dir)}); ` +
      `run "envboot attach ${environment.name} --provider …" to make this client a key of its own, then have it authorized ` +
      '(a private key never leaves the client that made it)',
  );
}
