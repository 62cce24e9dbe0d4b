import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * A per-key lock that holds across processes: proper-lockfile's atomic `mkdir` of a lock
 * directory, refreshed while held and taken over when its holder died (stale after 10 s).
 * Lock directories are named by a hash of the key, so any key fits in a file name.
 */
export async function withKeyLock<T>(lockDir: string, key: string, work: () => Promise<T>): Promise<T> {
  // 0700 like the store around it (FilesystemStorage's directories).
  await mkdir(lockDir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(lockDir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.lock`);
  let compromised: Error | undefined;
  const release = await lockfile.lock(lockPath, {
    realpath: false,
    lockfilePath: lockPath,
    stale: 10_000,
    update: 2_000,
    // Critical sections are a few milliseconds, so poll briefly and often.
    retries: { retries: 2_000, factor: 1.2, minTimeout: 1, maxTimeout: 25, randomize: true },
    onCompromised: (error) => {
      compromised = error;
    },
  });
  try {
    const result = await work();
    if (compromised !== undefined) throw compromised;
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}
