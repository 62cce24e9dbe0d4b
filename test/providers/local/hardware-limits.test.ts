import assert from 'node:assert/strict';
import { existsSync, statfsSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bootstrap, hasHardwareLimits, isConfigError, machineTags, type Constraints } from '../../../src/index.js';
import { processesMentioning } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { machineUserData, openLocal } from './fixtures.js';

const mib = 1024 * 1024;
const hostArch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string | undefined>)[process.arch];
const hostCores = os.cpus().length;
const hostMemoryMiB = Math.floor(os.totalmem() / mib);
const hostDiskMiB = ((stats) => Math.floor((stats.blocks * stats.bsize) / mib))(statfsSync(tmpdir()));

describe('local provider: constraints against the real host', () => {
  it("states this host's real cores, memory, architecture and disk as what a machine can have", async (t) => {
    const dataDir = path.join(await tempDir('envboot-local-limits-'), 'provider');
    const environ = await openLocal(t, { dataDir });
    if (environ === undefined) return;
    assert.ok(hasHardwareLimits(environ));
    const limits = await environ.hardwareLimits({});
    assert.equal(limits.maxCores, hostCores);
    assert.equal(limits.maxMemoryMiB, hostMemoryMiB);
    assert.equal(limits.maxRootDiskMiB, hostDiskMiB, 'the filesystem the data directory will be on');
    if (hostArch !== undefined) assert.deepEqual(limits.arches, [hostArch]);
    assert.equal(existsSync(dataDir), false, 'reading the limits creates nothing');
  });

  it('refuses what this host cannot give before the claim: no provider-state, no agent, no file', async (t) => {
    const dataDir = path.join(await tempDir('envboot-local-limits-'), 'provider');
    const environ = await openLocal(t, { dataDir });
    if (environ === undefined) return;
    const otherArch = hostArch === 'arm64' ? 'amd64' : 'arm64';
    const refusals: [Constraints, RegExp][] = [
      [{ cores: hostCores + 1 }, new RegExp(`cores=${hostCores + 1}: a local machine has at most ${hostCores} cores? \\(this host's: local machines share it\\); ask for cores=${hostCores} or fewer`)],
      [{ memoryMiB: hostMemoryMiB + 1024 }, new RegExp(`mem=\\d+[MG]: a local machine has at most [\\d.]+ GiB of memory \\(this host's[^)]*\\); ask for mem=${Math.floor(hostMemoryMiB / 1024)}G or less`)],
      [{ rootDiskMiB: hostDiskMiB + 1024 ** 2 }, /root-disk=\d+[MGT]: a local machine has at most a [\d.]+ [GT]iB root disk \(this host's[^)]*\); ask for root-disk=\d+G or less/],
      [{ arch: otherArch }, new RegExp(`arch=${otherArch}: a local machine is ${hostArch ?? '\\w+'} \\(this host's[^)]*\\); remove arch= or ask for arch=`)],
      [{ instanceType: 'm5.large' }, /instance-type=m5\.large: the local provider has no instance types; ask for the hardware instead, e\.g\. cores=2 mem=4G/],
      [{ cores: 64 * hostCores, memoryMiB: 1024 ** 2, arch: otherArch, instanceType: 'm5.large' }, /cannot meet the constraints "arch=\w+ cores=\d+ mem=1T instance-type=m5\.large" \(nothing was created\):(\n {2}- [^\n]+){4}$/],
    ];
    for (const [constraints, message] of refusals) {
      await assert.rejects(bootstrap({ environ, constraints }), (error: unknown) => {
        assert.ok(isConfigError(error), String(error));
        assert.match((error as Error).message, message);
        return true;
      });
    }
    assert.equal(existsSync(dataDir), false, 'no provider-state, no agent record, no machine directory');
    assert.deepEqual(processesMentioning(dataDir), [], 'no agent was started');
  });

  it('refuses the same in startInstance, for a caller that skips the planner, before the agent exists', async (t) => {
    const dataDir = path.join(await tempDir('envboot-local-limits-'), 'provider');
    const environ = await openLocal(t, { dataDir });
    if (environ === undefined) return;
    const start = { machineId: '1', constraints: { cores: hostCores + 1 }, userData: machineUserData().userData, tags: machineTags(environ.environment, '1') };
    await assert.rejects(environ.startInstance(start), { code: 'CONFIG_INVALID', message: new RegExp(`cores=${hostCores + 1}: a local machine has at most ${hostCores}`) });
    assert.equal(existsSync(dataDir), false);
  });
});
