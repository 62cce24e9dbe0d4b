import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { machineTags } from '../../../src/index.js';
import { processTree } from '../../helpers/processes.js';
import { agentPid, machineUserData, openEnvironment, waitUntilBooted } from './fixtures.js';

/** Resident memory of a process and everything below it, in KiB (shared pages counted per process). */
function treeRssKiB(root: number): number {
  return processTree(root).reduce((sum, pid) => {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return sum + Number(match?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
}

describe('local provider memory', () => {
  it('costs at most 15 MB of resident memory per additional machine (agent plus sandboxes, 1 vs 10 machines)', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-memory-' });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    const zones: string[] = [];
    const start = async (ids: string[]): Promise<void> => {
      const started = await Promise.all(
        ids.map((id) => environ.startInstance({ machineId: id, constraints: {}, userData: machineUserData().userData, tags: machineTags(environ.environment, id) })),
      );
      for (const { instance } of started) {
        zones.push(instance.zone ?? '?');
        assert.equal((await waitUntilBooted(environ, instance.id)).status, 'running');
      }
    };
    await start(['0']);
    const agent = await agentPid(dataDir);
    const one = treeRssKiB(agent);
    await start(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const ten = treeRssKiB(agent);
    const perMachineMiB = (ten - one) / 9 / 1024;
    const processes = processTree(agent).length;
    t.diagnostic(`agent tree: ${(one / 1024).toFixed(1)} MiB RSS with 1 machine, ${(ten / 1024).toFixed(1)} MiB with 10 (${processes} processes); ${perMachineMiB.toFixed(2)} MiB per additional machine`);
    assert.ok(perMachineMiB <= 15, `${perMachineMiB.toFixed(2)} MiB per machine`);
    assert.equal(readdirSync(`${dataDir}/machines`).length, 10);
    // Started concurrently, still spread: each start sees the others when choosing a zone.
    assert.deepEqual(['local-a', 'local-b', 'local-c'].map((zone) => zones.filter((z) => z === zone).length), [4, 3, 3]);
  });
});
