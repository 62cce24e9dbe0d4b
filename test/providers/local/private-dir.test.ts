import assert from 'node:assert/strict';
import { chmod, mkdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { prepareEnviron, tearDownEnviron } from '../../../src/index.js';
import { localProvider } from '../../../providers/local/index.js';
import { ensurePrivateDir } from '../../../providers/local/private-dir.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('ensurePrivateDir', () => {
  it('creates the directory 0700, and accepts it again', async () => {
    const dir = path.join(await tempDir(), 'envboot-test');
    await ensurePrivateDir(dir);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    await ensurePrivateDir(dir);
  });

  it('refuses a directory others can write to, and a symlink, naming what to do', async () => {
    const base = await tempDir();
    const open = path.join(base, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    await assert.rejects(ensurePrivateDir(open), { code: 'CONFIG_INVALID', message: /not a private directory.*mode 0700.*remove it/ });
    const link = path.join(base, 'link');
    const target = path.join(base, 'target');
    await mkdir(target, { mode: 0o700 });
    await symlink(target, link);
    await assert.rejects(ensurePrivateDir(link), { code: 'CONFIG_INVALID' });
  });

  it('puts the agent socket of a long data directory in the private directory, and teardown removes it', async () => {
    const dataDir = path.join(await tempDir(), 'd'.repeat(110));
    const checked = localProvider.validateConfig({ config: {} });
    assert.ok(checked.ok);
    const environ = await localProvider.open({ environment: { name: 'long', uuid: '11111111-1111-4111-8111-111111111111' }, config: checked.config, dataDir });
    try {
      const prepared = await prepareEnviron(environ, {});
      const socket = prepared.resources['socket'] ?? '';
      assert.ok(!socket.startsWith(dataDir), socket);
      assert.equal((await stat(path.dirname(socket))).mode & 0o777, 0o700);
    } finally {
      const result = await tearDownEnviron(environ, {});
      assert.deepEqual(result.failures, []);
    }
  });
});
