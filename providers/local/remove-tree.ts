import { chmod, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * `rm -rf`, also for what a machine leaves behind: overlayfs makes its work directories
 * mode 000, which only root may enter, so when removal is refused the directories are
 * made accessible (they are ours: the machine's root is our uid) and it tries again.
 * A missing tree is success.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    await makeAccessible(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  }
}

async function makeAccessible(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeAccessible(path.join(dir, entry.name));
  }
}
