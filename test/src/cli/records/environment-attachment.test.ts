import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { environmentRecordFile, readEnvironmentRecord, writeEnvironmentRecord, type EnvironmentRecord } from '../../../../src/cli/records/environment-record.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const attached: EnvironmentRecord = {
  name: 'prod',
  uuid: '0b0e1c55-1d4b-4f5e-9d0c-3d2a1f0e9c8b',
  provider: 'ec2',
  createdAt: '2026-01-02T03:04:05.000Z',
  bootstrappedAt: '2026-01-01T00:00:00.000Z',
  attachment: {
    attachedAt: '2026-01-02T03:04:05.000Z',
    location: 's3://acme-state/team/prod/',
    options: { region: 'eu-west-1', bucket: 'acme-state', prefix: 'team/', 'jump-host': { host: 'ops@bastion' } },
  },
};

describe('the record of an attached environment', () => {
  it('keeps where the environment is found, for every later command', async () => {
    const dir = await tempDir();
    await writeEnvironmentRecord(dir, attached);
    assert.deepEqual(await readEnvironmentRecord(dir), attached);
    const local = { ...attached, provider: 'local', attachment: { attachedAt: 'x', location: 'filesystem storage /a/storage', dataDir: '/a' } };
    await writeEnvironmentRecord(dir, local);
    assert.deepEqual(await readEnvironmentRecord(dir), local);
  });

  it('is STATE_CORRUPT when its attachment is malformed: guessing where the environment lives is worse', async () => {
    const dir = await tempDir();
    for (const attachment of [null, 'elsewhere', { attachedAt: 'x' }, { attachedAt: 'x', location: 'y', options: [] }, { attachedAt: 'x', location: 'y', dataDir: 3 }]) {
      await writeFile(environmentRecordFile(dir), JSON.stringify({ ...attached, attachment }));
      await assert.rejects(readEnvironmentRecord(dir), /not valid: remove it/, JSON.stringify(attachment));
    }
  });
});
