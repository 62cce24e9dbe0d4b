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
      "only the client that bootstrapped it can reach its machines, unless that client's key file is copied there (mode 0600, with its .pub)",
  );
}
