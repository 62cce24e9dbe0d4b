import { renderScript, type CloudConfig } from '../../cloudinit/index.js';
import type { Environ } from '../provider/index.js';
import { machineUserData } from '../provision/index.js';
import { generateSshKeyPair } from '../ssh/index.js';
import type { UserDataSize } from './plan-types.js';

/**
 * The minimal user-data a machine would boot with, rendered for real (`machineUserData`:
 * the same key types, nonce and files) around a throwaway client key, and sized against
 * the provider's limit. Over the limit it throws the `CONFIG_INVALID` the real run would.
 * The throwaway secrets are dropped at once; none is kept, logged or written.
 */
export function userDataSize(environ: Pick<Environ, 'capabilities'>, machineId: string): UserDataSize {
  const throwaway = generateSshKeyPair({ comment: 'envboot-plan' });
  const { userData } = machineUserData({ clientPublicKey: throwaway.publicKey, machineId, capabilities: environ.capabilities });
  return { bytes: userData.byteLength, limit: environ.capabilities.maxUserDataBytes, gzip: environ.capabilities.userDataGzip };
}

/** Bytes of the shell script `configureMachine` would run over SSH for `config`, as the Environ's SSH user. */
export function cloudConfigScriptBytes(environ: Pick<Environ, 'sshUser'>, config: CloudConfig | undefined): number | undefined {
  if (config === undefined) return undefined;
  const script = renderScript(config, { sudo: environ.sshUser !== 'root', defaultUser: environ.sshUser });
  return Buffer.byteLength(script, 'utf8');
}
