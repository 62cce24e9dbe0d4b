/**
 * What `waitSSH`'s `nonce` is set to when the pinned host key alone proves the machine:
 * no nonce is read from it. For a machine whose nonce nobody has (its user-data cannot be
 * read back and no record kept it) but whose host public key its operator got through a
 * trusted path: the machine's console, or `ssh-keyscan` run where nobody can stand in
 * between (`envboot adopt --host-key`). The host key still rules out every other machine:
 * one that presents another key ends the wait at once with `SSH_HOST_KEY_MISMATCH` (a
 * machine that booted long ago keeps its key, so waiting cannot cure it). What is lost is the
 * nonce's second meaning, that cloud-init has finished, so use it for machines that booted
 * long ago, never in place of a nonce one has.
 *
 * @example
 * await waitSSH({ instance, user: 'ubuntu', privateKey, hostKeys: [pinnedByOperator], nonce: hostKeyAlone, signal });
 */
export const hostKeyAlone: HostKeyAlone = Object.freeze({ proof: 'host-key-alone' });

export interface HostKeyAlone {
  readonly proof: 'host-key-alone';
}

/** True when `nonce` asks for no nonce check (see `hostKeyAlone`). */
export function isHostKeyAlone(nonce: string | HostKeyAlone): nonce is HostKeyAlone {
  return typeof nonce !== 'string';
}
