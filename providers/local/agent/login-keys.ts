import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';

/** sshd reads no more of an authorized_keys file either; a machine's root cannot make the agent read gigabytes. */
const maxBytes = 256 * 1024;
const keyType = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa)$/;

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
 * it put there is followed: a symbolic link for `.ssh` or the file, or anything but a
 * regular file, counts as no file. Lines with options (`command=`, `from=`) are skipped:
 * this server honours none, so it must not grant what they restrict. Comments and blank
 * lines are skipped.
 */
export async function readLoginKeys(fsDir: string): Promise<string[] | undefined> {
  const file = rootAuthorizedKeysFile(fsDir);
  try {
    const dir = await lstat(path.dirname(file));
    if (!dir.isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => keyType.test(line.split(/\s+/)[0] ?? ''));
  } finally {
    await handle.close();
  }
}
