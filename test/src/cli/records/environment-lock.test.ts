import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isPreconditionFailed } from '../../../../src/errors/index.js';
import { withEnvironmentLock } from '../../../../src/cli/records/environment-lock.js';
import { thisHost, type LockHolder } from '../../../../src/util/lock-holder.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { deadProcess } from '../../../helpers/dead-process.js';

const demo = (root: string, operation = 'destroy') => ({ dir: path.join(root, 'environments', 'demo'), name: 'demo', operation });

async function leaveLock(root: string, holder: Partial<LockHolder> & { pid: number }): Promise<void> {
  const lockPath = path.join(root, 'environments', 'demo.lock');
  await mkdir(lockPath, { recursive: true });
  const now = new Date().toISOString();
  const written: LockHolder = { token: 'e'.repeat(16), host: 'elsewhere', command: 'envboot bootstrap demo', since: now, renewedAt: now, leaseMs: 15_000, ...holder };
  await writeFile(path.join(lockPath, 'holder.json'), JSON.stringify(written));
}

describe('the environment lock', () => {
  it('refuses a second command with PRECONDITION_FAILED, naming the holder: command, pid, since when, and what to do', async () => {
    const root = await tempDir();
    await withEnvironmentLock(demo(root, 'bootstrap'), async () => {
      const refused = await withEnvironmentLock(demo(root), () => Promise.resolve('ran')).catch((error: unknown) => error);
      assert.ok(isPreconditionFailed(refused), String(refused));
      const pid = String(process.pid);
      assert.match(
        (refused as Error).message,
        new RegExp(
          `^another envboot command is changing environment "demo" on this client: "envboot bootstrap demo" ` +
            `\\(pid ${pid} on this host, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d+ms ago\\)\\); ` +
            `wait for it to finish or stop it \\(Ctrl-C where it runs, or "kill ${pid}"\\), then run "envboot destroy demo" again$`,
        ),
      );
    });
  });

  it('names the host of a holder elsewhere, and says when its lock lapses', async () => {
    const root = await tempDir();
    await leaveLock(root, { pid: 4242, host: 'build-7', bootId: 'another-kernel', command: 'envboot bootstrap demo\u001b[2J' });
    const refused = await withEnvironmentLock(demo(root), () => Promise.resolve()).catch((error: unknown) => error as Error);
    assert.ok(refused instanceof Error);
    assert.match(refused.message, /"envboot bootstrap demo\\u001b\[2J" \(pid 4242 on host "build-7", since /);
    assert.match(refused.message, /stop it on that host, then run "envboot destroy demo" again; should that host be down, its lock lapses 15s after it last renewed it$/);
    assert.ok(!refused.message.includes('\u001b'), 'no escape sequence from the lock file reaches the terminal');
  });

  it('runs at once when the holder was killed', async () => {
    const root = await tempDir();
    const killed = await deadProcess();
    await leaveLock(root, { ...thisHost(), pid: killed.pid, startTime: killed.startTime });
    assert.equal(await withEnvironmentLock(demo(root), () => Promise.resolve('ran')), 'ran');
    assert.deepEqual(await readdir(path.join(root, 'environments')), []);
  });

  it('removes the folders it made when the work leaves them empty, even when the work fails', async () => {
    const root = path.join(await tempDir(), 'data');
    const failed = withEnvironmentLock(demo(root, 'bootstrap'), () => Promise.reject(new Error('refused at preflight')));
    await assert.rejects(failed, /refused at preflight/);
    assert.equal(existsSync(root), false, 'neither data/ nor data/environments/ is left');
  });

  it('keeps folders that were there before or that hold something', async () => {
    const before = await tempDir();
    await mkdir(path.join(before, 'environments'));
    await withEnvironmentLock(demo(before), () => Promise.resolve());
    assert.deepEqual(await readdir(path.join(before, 'environments')), [], 'environments/ was there before: it stays');
    const root = path.join(await tempDir(), 'data');
    await withEnvironmentLock(demo(root, 'bootstrap'), () => mkdir(demo(root).dir, { recursive: true }));
    assert.deepEqual(await readdir(path.join(root, 'environments')), ['demo'], 'the new environment and its folders stay; the lock is gone');
  });
});
