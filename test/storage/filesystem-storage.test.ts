import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FilesystemStorage } from '../../storage/index.js';
import { describeStorageConformance } from '../../src/testing/index.js';
import { tempDir } from '../helpers/temp-dir.js';

describeStorageConformance({
  name: 'filesystem',
  create: async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'envboot-fs-storage-'));
    return {
      storage: new FilesystemStorage({ root: path.join(root, 'store') }),
      child: { module: new URL('./fixtures/open-filesystem-storage.js', import.meta.url).href, arg: { root: path.join(root, 'store') } },
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
});

describe('filesystem storage', () => {
  it('writes nothing until the first put, and objects are private to the user', async () => {
    const root = path.join(await tempDir(), 'store');
    const storage = new FilesystemStorage({ root });
    await assert.rejects(storage.get({ key: 'provider-state' }), { code: 'NOT_FOUND' });
    assert.deepEqual((await storage.list({})).objects, []);
    await assert.rejects(stat(root), { code: 'ENOENT' });
    await storage.put({ key: 'provider-state', body: 'x' });
    const files = await readdir(path.join(root, 'objects'));
    assert.deepEqual(files, ['provider-state%']);
    assert.equal((await stat(path.join(root, 'objects', files[0] ?? ''))).mode & 0o777, 0o600);
  });

  it('leaves no temporary files or empty directories behind', async () => {
    const root = path.join(await tempDir(), 'store');
    const storage = new FilesystemStorage({ root });
    await storage.put({ key: 'deep/er/key', body: 'x' });
    await storage.delete({ key: 'deep/er/key' });
    assert.deepEqual(await readdir(path.join(root, 'objects')), []);
    assert.deepEqual(await readdir(path.join(root, 'tmp')), []);
  });

  it('ignores stray files and directories that are not objects', async () => {
    const root = path.join(await tempDir(), 'store');
    const storage = new FilesystemStorage({ root });
    await storage.put({ key: 'real', body: 'x' });
    await writeFile(path.join(root, 'objects', 'stray.txt'), 'not an object');
    await mkdir(path.join(root, 'objects', 'empty-dir'));
    assert.deepEqual(
      (await storage.list({})).objects.map((o) => o.key),
      ['real'],
    );
  });

  it('a reader never sees a partly written object', async () => {
    const root = path.join(await tempDir(), 'store');
    const storage = new FilesystemStorage({ root });
    const big = (fill: number): Buffer => Buffer.alloc(4 * 1024 * 1024, fill);
    await storage.put({ key: 'big', body: big(1) });
    const progress = { writing: true };
    const writer = (async () => {
      for (let i = 2; i < 12; i += 1) await storage.put({ key: 'big', body: big(i) });
      progress.writing = false;
    })();
    while (progress.writing) {
      const body = Buffer.from((await storage.get({ key: 'big' })).body);
      assert.equal(body.length, 4 * 1024 * 1024);
      const first = body[0] ?? -1;
      assert.ok(body.every((b) => b === first), 'object mixes two writes');
    }
    await writer;
  });

  it('an object key can never reach outside the root, even by an encoded dot-dot', async () => {
    const base = await tempDir();
    const storage = new FilesystemStorage({ root: path.join(base, 'store') });
    await storage.put({ key: '%2E%2E/x', body: 'stays inside' });
    assert.deepEqual(await readdir(base), ['store']);
    assert.equal(Buffer.from((await storage.get({ key: '%2E%2E/x' })).body).toString(), 'stays inside');
  });

  it('removeAll removes the root directory itself but does not follow symlinks out of it', async () => {
    const base = await tempDir();
    const outside = path.join(base, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'keep'), 'precious');
    const root = path.join(base, 'store');
    const storage = new FilesystemStorage({ root });
    await storage.put({ key: 'a', body: 'x' });
    await symlink(outside, path.join(root, 'objects', 'link'));
    await storage.removeAll();
    await assert.rejects(stat(root), { code: 'ENOENT' });
    assert.deepEqual(await readdir(outside), ['keep']);
  });
});
