import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isCancelled, isTimeout } from '../../../src/errors/index.js';
import { acquireHolderLock, waitForHolderLock, type HeldLock, type LockAttempt } from '../../../src/util/holder-lock.js';
import { thisHost, type LockHolder } from '../../../src/util/lock-holder.js';
import { identityOf, type ProcessIdentity } from '../../../src/util/process-identity.js';
import { tempDir } from '../../helpers/temp-dir.js';

const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** A process that runs until the test ends, and its identity. */
async function liveProcess(): Promise<ProcessIdentity> {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  children.add(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  const identity = identityOf(child.pid ?? -1);
  assert.ok(identity !== undefined, 'the sleeper runs');
  return identity;
}

/** The identity a process had, once it has exited: a pid that names nothing now. */
async function deadProcess(): Promise<ProcessIdentity> {
  const identity = await liveProcess();
  const child = [...children].find((c) => c.pid === identity.pid);
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child?.kill('SIGKILL');
  await exited;
  return identity;
}

function holder(fields: Partial<LockHolder> & { pid: number }): LockHolder {
  const now = new Date().toISOString();
  return { token: 'f'.repeat(16), host: 'elsewhere', command: 'envboot bootstrap demo', since: now, renewedAt: now, leaseMs: 15_000, ...fields };
}

/** A lock as another process would have left it. */
async function placeLock(lockPath: string, written: LockHolder | string): Promise<void> {
  await mkdir(lockPath, { recursive: true });
  await writeFile(path.join(lockPath, 'holder.json'), typeof written === 'string' ? written : JSON.stringify(written));
}

async function holderIn(lockPath: string): Promise<LockHolder> {
  return JSON.parse(await readFile(path.join(lockPath, 'holder.json'), 'utf8')) as LockHolder;
}

function held(attempt: LockAttempt): HeldLock {
  assert.ok('held' in attempt, `the lock was refused: ${JSON.stringify(attempt)}`);
  return attempt.held;
}

function refusedBy(attempt: LockAttempt): LockHolder | undefined {
  assert.ok('refused' in attempt, 'the lock was taken');
  return attempt.refused;
}

const acquire = (lockPath: string, extra: { now?: () => number } = {}): Promise<LockAttempt> =>
  acquireHolderLock({ path: lockPath, command: 'envboot destroy demo', ...extra });

describe('a lock that knows its holder', () => {
  it('is taken when free, names this process in it, and is gone after release', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const lock = held(await acquire(lockPath));
    const written = await holderIn(lockPath);
    assert.deepEqual([written.pid, written.command, written.host], [process.pid, 'envboot destroy demo', thisHost().host]);
    assert.equal(written.startTime, identityOf(process.pid)?.startTime);
    await lock.release();
    assert.deepEqual(await readdir(path.dirname(lockPath)), [], 'nothing is left next to it either');
  });

  it('refuses while its holder runs on this host, and returns that holder', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const sleeper = await liveProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime }));
    const refused = refusedBy(await acquire(lockPath));
    assert.deepEqual([refused?.pid, refused?.command], [sleeper.pid, 'envboot bootstrap demo']);
    assert.equal((await holderIn(lockPath)).pid, sleeper.pid, 'the live holder keeps its lock');
  });

  it('takes over at once from a holder whose pid no longer exists', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const dead = await deadProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: dead.pid, startTime: dead.startTime }));
    const lock = held(await acquire(lockPath));
    assert.equal((await holderIn(lockPath)).pid, process.pid);
    await lock.release();
  });

  it('takes over at once when the pid now names another process (a different start time)', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const sleeper = await liveProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime - 1 }));
    held(await acquire(lockPath));
    assert.equal((await holderIn(lockPath)).pid, process.pid);
  });

  it('judges a holder on another host by its lease: fresh is refused, lapsed is taken over', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const now = Date.parse('2030-01-01T12:00:00Z');
    // A pid that runs here proves nothing about another host: only the lease counts.
    const elsewhere = holder({ pid: process.pid, startTime: 1, host: 'build-7', bootId: 'another-kernel', renewedAt: new Date(now - 14_000).toISOString() });
    await placeLock(lockPath, elsewhere);
    assert.equal(refusedBy(await acquire(lockPath, { now: () => now }))?.host, 'build-7');
    await placeLock(lockPath, { ...elsewhere, renewedAt: new Date(now - 16_000).toISOString() });
    held(await acquire(lockPath, { now: () => now }));
    assert.equal((await holderIn(lockPath)).host, thisHost().host);
  });

  it('gives a lock whose holder cannot be read the lease, counted from its last change', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    await placeLock(lockPath, 'not json');
    assert.equal(refusedBy(await acquire(lockPath)), undefined);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    held(await acquire(lockPath));
  });

  it("takes over an empty lock directory (proper-lockfile's, from an older envboot) at once", async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    await mkdir(lockPath);
    held(await acquire(lockPath));
    assert.equal((await holderIn(lockPath)).pid, process.pid);
  });

  it('lets exactly one of several racing takers have a dead holder\'s lock', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const dead = await deadProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: dead.pid, startTime: dead.startTime }));
    const attempts = await Promise.all(Array.from({ length: 8 }, () => acquire(lockPath)));
    const winners = attempts.filter((a) => 'held' in a);
    assert.equal(winners.length, 1, 'one taker holds it');
    const token = (await holderIn(lockPath)).token;
    for (const loser of attempts.filter((a) => 'refused' in a)) assert.equal(refusedBy(loser)?.token, token, 'the others name the winner');
    await held(winners[0] as LockAttempt).release();
    assert.deepEqual(await readdir(path.dirname(lockPath)), [], 'no aside or staging directory is left');
  });

  it('leaves alone, on release, a lock that another process took over', async () => {
    const lockPath = path.join(await tempDir(), 'demo.lock');
    const lock = held(await acquire(lockPath));
    const sleeper = await liveProcess();
    const taker = holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime, token: 'a'.repeat(16) });
    await writeFile(path.join(lockPath, 'holder.json'), JSON.stringify(taker));
    await lock.release();
    assert.equal((await holderIn(lockPath)).token, taker.token);
    assert.deepEqual(await readdir(path.dirname(lockPath)), ['demo.lock']);
  });

  it('removes what killed takers left next to it, and keeps what live ones are placing', async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, 'demo.lock');
    const dead = await deadProcess();
    const sleeper = await liveProcess();
    await placeLock(`${lockPath}.${'1'.repeat(16)}.tmp`, holder({ ...thisHost(), pid: dead.pid, startTime: dead.startTime }));
    await placeLock(`${lockPath}.${'2'.repeat(16)}.old`, holder({ ...thisHost(), pid: dead.pid, startTime: dead.startTime }));
    const placing = `demo.lock.${'3'.repeat(16)}.tmp`;
    await placeLock(path.join(dir, placing), holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime }));
    await mkdir(path.join(dir, 'demo'));
    const lock = held(await acquire(lockPath));
    assert.deepEqual((await readdir(dir)).sort(), ['demo', 'demo.lock', placing]);
    await lock.release();
  });

  it('renews its lease while held, so that other hosts see it alive', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const lockPath = path.join(await tempDir(), 'demo.lock');
    let now = Date.parse('2030-01-01T12:00:00Z');
    const lock = held(await acquireHolderLock({ path: lockPath, command: 'envboot bootstrap demo', leaseMs: 9_000, now: () => now }));
    assert.equal((await holderIn(lockPath)).renewedAt, '2030-01-01T12:00:00.000Z');
    now += 3_000;
    t.mock.timers.tick(3_000);
    for (let i = 0; i < 1000 && (await holderIn(lockPath)).renewedAt !== '2030-01-01T12:00:03.000Z'; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const renewed = await holderIn(lockPath);
    assert.equal(renewed.renewedAt, '2030-01-01T12:00:03.000Z');
    assert.equal(renewed.since, '2030-01-01T12:00:00.000Z', 'since stays when it was taken');
    await lock.release();
    assert.equal(existsSync(lockPath), false);
  });
});

describe('waiting for a lock that knows its holder', () => {
  it('waits while the holder runs, and takes the lock as soon as the holder is killed', async () => {
    const lockPath = path.join(await tempDir(), 'agent.lock');
    const sleeper = await liveProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime }));
    let taken = false;
    const waiting = waitForHolderLock({ path: lockPath, command: 'starting the agent', timeoutMs: 60_000 }).then((lock) => {
      taken = true;
      return lock;
    });
    assert.equal((await holderIn(lockPath)).pid, sleeper.pid);
    assert.equal(taken, false, 'not while the holder runs');
    const child = [...children].find((c) => c.pid === sleeper.pid);
    child?.kill('SIGKILL');
    const lock = await waiting;
    assert.equal((await holderIn(lockPath)).pid, process.pid);
    await lock.release();
  });

  it('gives up at its deadline with TIMEOUT, naming the holder', async () => {
    const lockPath = path.join(await tempDir(), 'agent.lock');
    const sleeper = await liveProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime, command: 'envboot add-machine demo' }));
    const error = await waitForHolderLock({ path: lockPath, command: 'starting the agent', timeoutMs: 0 }).catch((e: unknown) => e);
    assert.ok(isTimeout(error), String(error));
    assert.match((error as Error).message, new RegExp(`held by "envboot add-machine demo" \\(pid ${sleeper.pid} on this host`));
  });

  it('stops waiting when its signal is aborted, with CANCELLED', async () => {
    const lockPath = path.join(await tempDir(), 'agent.lock');
    const sleeper = await liveProcess();
    await placeLock(lockPath, holder({ ...thisHost(), pid: sleeper.pid, startTime: sleeper.startTime }));
    const controller = new AbortController();
    const waiting = waitForHolderLock({ path: lockPath, command: 'starting the agent', timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    const error = await waiting.catch((e: unknown) => e);
    assert.ok(isCancelled(error), String(error));
  });
});
