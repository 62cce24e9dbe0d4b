import { lstat, mkdir } from 'node:fs/promises';
import { ConfigError } from '../../src/index.js';

/**
 * Makes sure `dir` is a directory only this user can enter (created 0700 when missing),
 * so that a socket inside it cannot have been planted by another local user: the agent
 * socket carries machines' host keys in their user-data. Refuses a symlink, another
 * owner, or a directory others can write to.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await lstat(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
    throw new ConfigError(
      `${dir} is not a private directory of this user (it must be a real directory, owned by uid ${String(uid)}, mode 0700); ` +
        'remove it, or give the environment a shorter data directory so that its agent socket can live there',
    );
  }
}
