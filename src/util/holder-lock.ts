import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, TimeoutError, throwIfCancelled } from '../errors/index.js';
import { formatDuration } from './duration.js';
import { describeHolder, holderForThisProcess, holderIsGone, parseHolder, thisHost, type HostIdentity, type LockHolder } from './lock-holder.js';

export interface HolderLockParams {
  /** The lock: a directory that holds `holder.json`, which names the process holding it. */
  readonly path: string;
  /** What the holder runs, as its user would type it; shown to whoever is refused. */
  readonly command: string;
  /**
   * How long a holder this host cannot look up (one on another host sharing the data
   * directory) keeps the lock after its last renewal; it renews every third of that.
   * Default 15 s. Hosts are assumed to agree on the time to within a few seconds.
   */
  readonly leaseMs?: number;
  /** The clock; tests pass their own. */
  readonly now?: () => number;
}

export interface HeldLock {
  /** Removes the lock, if it is still this holder's. */
  release(): Promise<void>;
}

/** Held, or refused with the live holder (undefined when the lock names no holder this version can read). */
export type LockAttempt = { readonly held: HeldLock } | { readonly refused: LockHolder | undefined };

const holderFile = 'holder.json';
const defaultLeaseMs = 15_000;
/** Others may take and release the lock between our looks; this many rounds, then the last holder seen is named. */
const rounds = 5;
/** What a process leaves next to the lock while placing, breaking or releasing it: `<lock>.<token>.<step>`. */
const strayPattern = /^\.[0-9a-f]{16}\.(?:tmp|stale|old)$/;

interface FoundLock {
  readonly holder: LockHolder | undefined;
  readonly mtimeMs: number;
}

/**
 * Takes a lock that knows its holder, without waiting. The lock directory appears whole,
 * holder included, by one rename (atomic on local file systems and NFS alike), so there
 * is never a lock without a holder to judge. A lock whose holder is gone is taken over
 * at once: on this host (same kernel and pid namespace) when its pid no longer names the
 * process with the recorded start time; from another host when its lease lapsed. A live
 * holder is returned, for the caller to name.
 *
 * @example
 * const attempt = await acquireHolderLock({ path: `${dir}.lock`, command: 'envboot destroy demo' });
 * if ('refused' in attempt) throw new Error(`held by pid ${attempt.refused?.pid}`);
 * try { await work(); } finally { await attempt.held.release(); }
 */
export async function acquireHolderLock(params: HolderLockParams): Promise<LockAttempt> {
  const now = params.now ?? Date.now;
  const leaseMs = params.leaseMs ?? defaultLeaseMs;
  const here = thisHost();
  const token = randomBytes(8).toString('hex');
  let found: FoundLock | undefined;
  for (let round = 0; round < rounds; round += 1) {
    const holder = holderForThisProcess({ token, command: params.command, leaseMs, now: now(), host: here });
    if (await placeLock(params.path, holder)) {
      await sweepStrays(params.path, { here, now: now(), leaseMs });
      return { held: holdLock({ path: params.path, holder, now }) };
    }
    found = await readLock(params.path);
    if (found === undefined) continue;
    if (!isGone(found, { here, now: now(), leaseMs })) return { refused: found.holder };
    await breakLock(params.path, found, token);
  }
  return { refused: found?.holder };
}

export interface WaitForHolderLockParams extends HolderLockParams {
  /** How long to wait for a live holder before giving up with TIMEOUT, which names it. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Takes the lock, waiting while a live holder has it: for locks held a short while
 * (starting or stopping a process), where waiting is kinder than refusing. A holder that
 * is gone is taken over at once, as by `acquireHolderLock`.
 */
export async function waitForHolderLock(params: WaitForHolderLockParams): Promise<HeldLock> {
  const now = params.now ?? Date.now;
  const deadline = now() + params.timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    throwIfCancelled(params.signal, `waiting for the lock ${params.path}`);
    const attempt = await acquireHolderLock(params);
    if ('held' in attempt) return attempt.held;
    if (now() >= deadline) {
      const holder = attempt.refused === undefined ? 'a holder that cannot be read' : describeHolder(attempt.refused, { here: thisHost(), now: now() });
      throw new TimeoutError(`waited ${formatDuration(params.timeoutMs)} for the lock ${params.path}, held by ${holder}; stop that command, or wait for it to finish, and retry`);
    }
    await sleep(pause, undefined, params.signal === undefined ? {} : { signal: params.signal }).catch((error: unknown) => {
      throw new CancelledError(`waiting for the lock ${params.path} cancelled`, { cause: error });
    });
  }
}

function isGone(found: FoundLock, params: { here: HostIdentity; now: number; leaseMs: number }): boolean {
  // A lock whose holder cannot be read (damaged, or another format) gets the lease, counted from its last change.
  if (found.holder === undefined) return params.now > found.mtimeMs + params.leaseMs;
  return holderIsGone(found.holder, params);
}

/** Creates the lock with its holder in one step; false when a lock is there already. */
async function placeLock(lockPath: string, holder: LockHolder): Promise<boolean> {
  const staging = `${lockPath}.${holder.token}.tmp`;
  await mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });
  try {
    await mkdir(staging, { mode: 0o700 });
  } catch (error) {
    // The folder vanished in between (a command removing the empty folders it made): the next round makes it again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    await writeFile(path.join(staging, holderFile), JSON.stringify(holder), { mode: 0o600 });
    // rename() never replaces a directory with content (ENOTEMPTY/EEXIST), nor a file (ENOTDIR).
    await rename(staging, lockPath);
    return true;
  } catch (error) {
    // ENOENT: the staging directory was swept away (a teardown emptying the folder): another round.
    if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'ENOENT'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    return false;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The lock at `lockPath` and its holder; undefined when there is no lock. */
async function readLock(lockPath: string): Promise<FoundLock | undefined> {
  const text = await readFile(path.join(lockPath, holderFile), 'utf8').catch(() => undefined);
  try {
    const { mtimeMs } = await stat(lockPath);
    return { holder: text === undefined ? undefined : parseHolder(text), mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes the lock judged gone, and only that one: it is moved aside first, and one
 * that another process placed since our look is put back. Should a third process have
 * taken the free name meanwhile, the moved one is removed: its holder lost the lock.
 */
async function breakLock(lockPath: string, judged: FoundLock, token: string): Promise<void> {
  const aside = `${lockPath}.${token}.stale`;
  if (!(await moveAside(lockPath, aside))) return;
  const moved = await readLock(aside);
  const same = moved !== undefined && moved.holder?.token === judged.holder?.token;
  if (!same && (await moveAside(aside, lockPath))) return;
  await rm(aside, { recursive: true, force: true });
}

/** Renames; false when the source is gone or the target taken. */
async function moveAside(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (!['ENOENT', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    return false;
  }
}

/** Renews the lease while held; on release, stops renewing and removes the lock if it is still ours. */
function holdLock(params: { path: string; holder: LockHolder; now: () => number }): HeldLock {
  const { holder } = params;
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(() => renewLease(params));
  }, Math.max(1, Math.floor(holder.leaseMs / 3)));
  // The lock never keeps the process alive: the work it guards does.
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await renewing;
      const aside = `${params.path}.${holder.token}.old`;
      if (!(await moveAside(params.path, aside))) return;
      const moved = await readLock(aside);
      if (moved?.holder?.token !== holder.token && (await moveAside(aside, params.path))) return;
      await rm(aside, { recursive: true, force: true });
    },
  };
}

async function renewLease(params: { path: string; holder: LockHolder; now: () => number }): Promise<void> {
  try {
    const current = await readLock(params.path);
    // Taken over (this process looked gone, e.g. frozen past its lease): nothing of ours to renew.
    if (current?.holder?.token !== params.holder.token) return;
    const renewed: LockHolder = { ...params.holder, renewedAt: new Date(params.now()).toISOString() };
    const staging = path.join(params.path, `${holderFile}.${randomBytes(4).toString('hex')}.tmp`);
    // Readers see the old holder or the new one, never a part: written aside, then renamed over it.
    await writeFile(staging, JSON.stringify(renewed), { mode: 0o600 });
    await rename(staging, path.join(params.path, holderFile)).catch(() => rm(staging, { force: true }));
  } catch {
    // A renewal that fails is tried again at the next tick; the lease covers two misses.
  }
}

/**
 * Removes what killed processes left next to the lock while placing, breaking or
 * releasing it (each holds the holder of the moment, judged like the lock itself).
 */
async function sweepStrays(lockPath: string, params: { here: HostIdentity; now: number; leaseMs: number }): Promise<void> {
  const base = path.basename(lockPath);
  const entries = await readdir(path.dirname(lockPath)).catch(() => []);
  for (const entry of entries) {
    if (!entry.startsWith(base) || !strayPattern.test(entry.slice(base.length))) continue;
    const stray = path.join(path.dirname(lockPath), entry);
    const found = await readLock(stray);
    if (found !== undefined && isGone(found, params)) await rm(stray, { recursive: true, force: true });
  }
}
