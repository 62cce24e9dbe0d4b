import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { PreconditionFailedError } from '../../errors/index.js';
import { acquireHolderLock } from '../../util/holder-lock.js';
import { describeHolder, runsHere, thisHost, type LockHolder } from '../../util/lock-holder.js';

export interface EnvironmentLockParams {
  /** The environment's directory; the lock is `<dir>.lock` next to it. */
  readonly dir: string;
  readonly name: string;
  /** The command taking the lock (`bootstrap`, `destroy`), named to whoever is refused. */
  readonly operation: string;
}

/**
 * Runs `work` holding this client's lock on one environment: `bootstrap` and `destroy`
 * create and forget the environment's local records (its UUID, its client key), and two
 * of them at once on one client would forget what the other still needs. A second one
 * fails at once with PRECONDITION_FAILED, naming the command that holds the lock, rather
 * than waiting behind a bootstrap that may take minutes. A lock whose holder is gone
 * (killed, crashed) is taken over at once; see `acquireHolderLock`.
 *
 * Folders this call had to make for the lock (the data directory's `environments/`) are
 * removed again when the work leaves them empty: input refused at preflight leaves nothing.
 */
export async function withEnvironmentLock<T>(params: EnvironmentLockParams, work: () => Promise<T>): Promise<T> {
  const lockPath = `${params.dir}.lock`;
  const parent = path.dirname(lockPath);
  // The first folder mkdir had to create, if any: from there down, the folders are this run's.
  const firstMade = await mkdir(parent, { recursive: true, mode: 0o700 });
  try {
    const attempt = await acquireHolderLock({ path: lockPath, command: `envboot ${params.operation} ${params.name}` });
    if ('refused' in attempt) throw refusal(params, lockPath, attempt.refused);
    try {
      return await work();
    } finally {
      await attempt.held.release().catch(() => undefined);
    }
  } finally {
    if (firstMade !== undefined) await removeEmptyFolders({ from: parent, upTo: firstMade });
  }
}

function refusal(params: EnvironmentLockParams, lockPath: string, holder: LockHolder | undefined): PreconditionFailedError {
  const again = `run "envboot ${params.operation} ${params.name}" again`;
  if (holder === undefined) {
    return new PreconditionFailedError(
      `another envboot command may be changing environment "${params.name}": its lock ${lockPath} names no holder this envboot can read; ` +
        `if no envboot command runs, remove the lock ("rm -r ${lockPath}") and ${again}`,
    );
  }
  const now = Date.now();
  const here = thisHost();
  const stop = runsHere(holder, here)
    ? `wait for it to finish or stop it (Ctrl-C where it runs, or "kill ${holder.pid}"), then ${again}`
    : `wait for it to finish or stop it on that host, then ${again}; should that host be down, its lock lapses ${Math.round(holder.leaseMs / 1000)}s after it last renewed it`;
  return new PreconditionFailedError(
    `another envboot command is changing environment "${params.name}" on this client: ${describeHolder(holder, { here, now })}; ${stop}`,
  );
}

/** Removes `from` and its parents up to `upTo` while they are empty; stops at the first that is not. */
async function removeEmptyFolders(params: { from: string; upTo: string }): Promise<void> {
  for (let dir = params.from; dir.startsWith(params.upTo); dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    if (dir === params.upTo) return;
  }
}
