import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../storage/index.js';
import { describeStorageConformance } from '../../src/testing/index.js';

describeStorageConformance({
  name: 'memory',
  singleProcess: true,
  create: () => Promise.resolve({ storage: new MemoryStorage(), cleanup: () => Promise.resolve() }),
});

describe('memory storage', () => {
  it('gives a new version even when the same bytes are written again', async () => {
    const storage = new MemoryStorage();
    const first = await storage.put({ key: 'k', body: 'same' });
    const second = await storage.put({ key: 'k', body: 'same' });
    assert.notEqual(first.version, second.version);
  });

  it('returns copies, so callers cannot change what is stored', async () => {
    const storage = new MemoryStorage();
    const body = Buffer.from('abc');
    await storage.put({ key: 'k', body });
    body[0] = 0x7a;
    const got = await storage.get({ key: 'k' });
    got.body[1] = 0x7a;
    assert.equal(Buffer.from((await storage.get({ key: 'k' })).body).toString(), 'abc');
  });
});
