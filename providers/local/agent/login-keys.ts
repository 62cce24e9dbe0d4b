import path from 'node:path';
import { readAuthorizedKeysFile } from '../../../src/host/index.js';

/**
 * Where the agent finds a machine's `/root/.ssh/authorized_keys` on the host: the
 * machine's own `/root` is the directory the setup script binds there, `FSDIR/own/_root`
 * (`own` names it by its target with `/` made `_`, see `setup-script.ts`).
 */
export function rootAuthorizedKeysFile(fsDir: string): string {
  return path.join(fsDir, 'own', '_root', '.ssh', 'authorized_keys');
}

/**
 * The key lines of the machine root's authorized_keys, read now, as sshd reads the file
 * at each login (so `envboot authorize` and `revoke`, which edit it, take effect at once);
 * undefined when there is no such file. The machine's root owns the directory, so nothing
 * it put there is followed, and no more than sshd would read is read; lines with options
 * are skipped, as this server honours none (see `readAuthorizedKeysFile`).
 */
export function readLoginKeys(fsDir: string): Promise<string[] | undefined> {
  return readAuthorizedKeysFile(rootAuthorizedKeysFile(fsDir));
}
