import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  createEnvironmentRecord,
  environmentRecordFile,
  newEnvironmentRecord,
  readEnvironmentRecord,
} from '../../../../src/cli/records/environment-record.js';
import { knownHostsFile, writeKnownHosts } from '../../../../src/cli/records/known-hosts.js';
import { readFile } from 'node:fs/promises';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('the environment record', () => {
  it('is created once: a second creator gets the first one, so concurrent bootstraps share one UUID', async () => {
    const dir = path.join(await tempDir(), 'demo');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => createEnvironmentRecord(dir, newEnvironmentRecord({ name: 'demo', provider: 'local' }))),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.record.uuid)).size, 1);
    assert.equal((await readEnvironmentRecord(dir))?.uuid, results[0]?.record.uuid);
  });

  it('is STATE_CORRUPT when damaged, saying it can be removed', async () => {
    const dir = await tempDir();
    await writeFile(environmentRecordFile(dir), '{"name": 3}');
    await assert.rejects(readEnvironmentRecord(dir), /not valid: remove it \(envboot finds the environment again from provider-state\)/);
  });

  it('pins host keys under one alias per machine, whatever address is used', async () => {
    const dir = await tempDir();
    await writeKnownHosts({
      dir,
      environment: 'demo',
      machines: [
        { id: '0', hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA0 host-0'] },
        { id: '3', hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA3 host-3'] },
      ],
    });
    assert.equal(
      await readFile(knownHostsFile(dir), 'utf8'),
      'envboot-demo-machine-0 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA0\nenvboot-demo-machine-3 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA3\n',
    );
  });
});
