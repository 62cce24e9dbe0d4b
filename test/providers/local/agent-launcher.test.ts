import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lockAgent } from '../../../providers/local/agent-launcher.js';
import { layoutFor } from '../../../providers/local/layout.js';
import { thisHost, type LockHolder } from '../../../src/util/lock-holder.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { deadProcess } from '../../helpers/dead-process.js';

describe('the local agent lock', () => {
  it('is taken over at once when the command holding it was killed (while it started the agent)', async () => {
    const layout = layoutFor(await tempDir());
    const killed = await deadProcess();
    const lockPath = `${layout.agentLock}.lock`;
    await mkdir(lockPath, { recursive: true });
    const now = new Date().toISOString();
    const left: LockHolder = { token: 'd'.repeat(16), ...thisHost(), pid: killed.pid, startTime: killed.startTime, command: 'envboot bootstrap demo', since: now, renewedAt: now, leaseMs: 15_000 };
    await writeFile(path.join(lockPath, 'holder.json'), JSON.stringify(left));

    const begun = performance.now();
    const release = await lockAgent(layout);
    // Far below the 10 s a lock judged by its age alone made the next destroy wait.
    assert.ok(performance.now() - begun < 3_000, `took ${Math.round(performance.now() - begun)} ms`);
    await release();
    assert.equal(existsSync(lockPath), false);
  });
});
