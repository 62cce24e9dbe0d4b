import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/**
 * The user-data ability: an Environ that can read back the user-data an instance was
 * started with (EC2's DescribeInstanceAttribute userData, a VM's NoCloud seed, a sandbox's
 * record). `bootstrap --resume` and `envboot adopt` prove a machine from what it was
 * started with: the host public key and the nonce in its user-data let waitSSH prove an
 * instance that no record on this host remembers. Without the ability, the operator pins
 * a host key by hand (`envboot adopt --host-key`).
 */
export interface UserDataEnviron extends Environ {
  /**
   * The user-data the instance was started with, byte for byte as `startInstance` got it
   * (gzip and all; a cloud that stores it base64-encoded decodes that one layer it added).
   * Undefined when the instance is not this environment's, or no longer exists. Read only;
   * the bytes hold the machine's host private key: never log them, keep them no longer
   * than needed. Provider errors are translated as for every Environ method.
   */
  instanceUserData(params: { readonly id: string; readonly signal?: AbortSignal }): Promise<Uint8Array | undefined>;
}

/** True when the Environ can read back the user-data its instances were started with. */
export function hasUserData(environ: Environ): environ is UserDataEnviron {
  return implementsAbility(environ, 'user-data');
}
