import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { PreconditionFailedError } from '../../errors/index.js';

/**
 * Runs `work` holding this client's lock on one environment: `bootstrap` and `destroy`
 * create and forget the environment's local records (its UUID, its client key), and two
 * of them at once on one client would forget what the other still needs. A second one
 * fails at once, saying why, rather than waiting behind a bootstrap that may take minutes.
 * The lock is a directory next to the environment's (`ENV.lock`), refreshed while held
 * and taken over 10 s after its holder died.
 */
export async function withEnvironmentLock<T>(params: { dir: string; name: string; operation: string }, work: () => Promise<T>): Promise<T> {
  const lockPath = `${params.dir}.lock`;
  await mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(params.dir, {
      realpath: false,
      lockfilePath: lockPath,
      stale: 10_000,
      update: 2_000,
      retries: 0,
      // Losing the lock mid-run (a frozen process) is not worth crashing a bootstrap over.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new PreconditionFailedError(
      `another envboot command is changing environment "${params.name}" on this client (a bootstrap or destroy); ` +
        `wait for it to finish, then run "envboot ${params.operation} ${params.name}" again`,
      { cause: error },
    );
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
