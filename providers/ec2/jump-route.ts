import { ConfigError, knownHostKeys, readIdentityFile, type JumpHost, type SshRoute } from '../../src/index.js';
import type { Ec2Config } from './config.js';

/**
 * The route to this environment's machines: through the configured jump host, whose key
 * is the configured `host-key` or else the one the user's known_hosts pins for it (as
 * `ssh -J` would require), authenticated with its identity file or else the environment's
 * client key; on private addresses only when `private-addresses-only` is set.
 */
export async function resolveJumpRoute(config: Pick<Ec2Config, 'jumpHost' | 'privateAddressesOnly'>): Promise<SshRoute> {
  const scopes = config.privateAddressesOnly ? { scopes: ['cloud-local' as const] } : {};
  const jump = config.jumpHost;
  if (jump === undefined) return scopes;
  const where = `${jump.user}@${jump.host}:${jump.port}`;
  const hostKeys = jump.hostKey !== undefined ? [jump.hostKey] : await knownHostKeys({ host: jump.host, port: jump.port });
  if (hostKeys.length === 0) {
    throw new ConfigError(
      `the jump host ${where} has no known host key: set jump-host's "host-key" to its public key, ` +
        `or add it to ~/.ssh/known_hosts after checking its fingerprint (ssh-keyscan -p ${jump.port} ${jump.host})`,
    );
  }
  const identity =
    jump.identityFile === undefined
      ? {}
      : await readIdentityFile({ file: jump.identityFile, fix: `the jump host ${where} needs it: fix jump-host's "identity-file"` }).then((read) => ({ privateKey: read.privateKey, identityFile: read.path }));
  const route: JumpHost = { host: jump.host, port: jump.port, user: jump.user, hostKeys, ...identity };
  return { jumpHost: route, ...scopes };
}
