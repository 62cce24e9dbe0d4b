import assert from 'node:assert/strict';
import { chmod, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { clientKeyFile, ensureClientKey, readClientKey } from '../../../../src/cli/records/client-key.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('the client key record', () => {
  it('is generated once, private half 0600, and read back unchanged', async () => {
    const dir = path.join(await tempDir(), 'env');
    const first = await ensureClientKey({ dir, environment: 'demo' });
    assert.equal((await stat(clientKeyFile(dir))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.match(await readFile(`${clientKeyFile(dir)}.pub`, 'utf8'), /^ssh-ed25519 AAAA\S+ envboot-demo\n$/);
    assert.deepEqual(await ensureClientKey({ dir, environment: 'demo' }), first);
    assert.deepEqual(await readClientKey(dir), first);
  });

  it('is the same key for every one of several concurrent creators', async () => {
    const dir = path.join(await tempDir(), 'env');
    const keys = await Promise.all(Array.from({ length: 6 }, () => ensureClientKey({ dir, environment: 'demo' })));
    assert.equal(new Set(keys.map((k) => k.privateKey)).size, 1);
    assert.deepEqual(await readClientKey(dir), keys[0]);
  });

  it('is refused when others can read it, with the command that fixes it', async () => {
    const dir = await tempDir();
    await ensureClientKey({ dir, environment: 'demo' });
    await chmod(clientKeyFile(dir), 0o644);
    await assert.rejects(readClientKey(dir), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /can be read by other users \(mode 644\); run "chmod 600 .*client-key"/);
      assert.doesNotMatch(error.message, /PRIVATE KEY/);
      return true;
    });
  });

  it('derives its public half when client-key.pub is lost', async () => {
    const dir = await tempDir();
    const created = await ensureClientKey({ dir, environment: 'demo' });
    await rm(`${clientKeyFile(dir)}.pub`);
    const read = await readClientKey(dir);
    assert.equal(read?.publicKey.split(' ').slice(0, 2).join(' '), created.publicKey.split(' ').slice(0, 2).join(' '));
  });

  it('is absent, not an error, before the first bootstrap', async () => {
    assert.equal(await readClientKey(await tempDir()), undefined);
  });
});
