import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { QemuEnviron, qemuProvider } from '../../../providers/qemu/index.js';
import type { Environ, RefreshableInstance } from '../../../src/index.js';
import { isRunning, processesMentioning } from '../../helpers/processes.js';
import { requireTestImage, type TestImage } from './test-image.js';

/** A qemu environment on the test image, with its own data directory. */
export interface QemuFixture {
  readonly environ: QemuEnviron;
  readonly dataDir: string;
  readonly image: TestImage;
  /** Opens another Environ on the same environment, config and data directory: "a later process". */
  reopen(): QemuEnviron;
}

/**
 * Opens a qemu environment on the test image in a fresh data directory, or skips where
 * there is no QEMU or image (never in CI). Every QEMU still running from the directory is
 * killed by its pid, and the directory removed, when the test ends, pass or fail.
 */
export async function openQemu(t: TestContext, params: { prefix: string; config?: Record<string, unknown> }): Promise<QemuFixture | undefined> {
  const image = await requireTestImage(t);
  if (image === undefined) return undefined;
  const root = await mkdtemp(path.join(tmpdir(), params.prefix));
  t.after(() => removeLeftovers(root));
  const dataDir = path.join(root, 'provider');
  const checked = qemuProvider.validateConfig({ config: { ...image.config, ...params.config } });
  assert.ok(checked.ok, JSON.stringify(checked));
  const environment = { name: 'qemu-test', uuid: randomUUID() };
  const open = (): QemuEnviron => new QemuEnviron({ environment, config: checked.config, dataDir });
  return { environ: open(), dataDir, image, reopen: open };
}

/** Kills (by pid) every process whose command line names `root`, which only our QEMUs do, then removes `root`. */
export async function removeLeftovers(root: string): Promise<void> {
  const pids = processesMentioning(root);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  const deadline = Date.now() + 10_000;
  while (pids.some(isRunning) && Date.now() < deadline) await sleep(20);
  await rm(root, { recursive: true, force: true });
}

/** Polls `check` every 20 ms until it holds, for `timeoutMs` at most. */
export async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** An environ's instance as waitSSH polls it: gone from the listing means terminated. */
export function refreshable(environ: Environ, id: string): RefreshableInstance {
  return {
    id,
    refresh: async ({ signal }) => {
      const [view] = await environ.instances({ ids: [id], ...(signal === undefined ? {} : { signal }) });
      return view ?? { status: 'terminated', addresses: [], statusMessage: 'no longer listed' };
    },
  };
}
