import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import { isKeyType, keyLineFields } from './public-key-line.js';

/** sshd reads no more of an authorized_keys file either; whoever owns the file cannot make the reader take gigabytes. */
export const authorizedKeysMaxBytes = 256 * 1024;

/**
 * The key lines of an authorized_keys file's text (its first 256 KiB, as sshd reads it),
 * trimmed: the lines that start with a key type OpenSSH accepts. Lines with options
 * (`command=`, `from=`) are skipped: an ssh2 server honours none, so it must not grant
 * what they restrict. Comments and blank lines are skipped.
 */
export function authorizedKeyLines(text: string): string[] {
  return text
    .slice(0, authorizedKeysMaxBytes)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => isKeyType(keyLineFields(line).type));
}

/**
 * The key lines (see `authorizedKeyLines`) of an authorized_keys file, read now, as sshd
 * reads it at each login, so that an edit over SSH (`envboot authorize`, `revoke`) takes
 * effect at once; undefined when there is no such file. The file's owner (a machine's
 * root, say) may put anything there, so nothing is followed: a symbolic link for the
 * file's directory (`.ssh`) or the file, or anything but a regular file (a FIFO is opened
 * without blocking), counts as no file.
 *
 * @example
 * const lines = (await readAuthorizedKeysFile(path.join(home, '.ssh', 'authorized_keys'))) ?? [];
 */
export async function readAuthorizedKeysFile(file: string): Promise<string[] | undefined> {
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
    const buffer = Buffer.alloc(Math.min(stats.size, authorizedKeysMaxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return authorizedKeyLines(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}
