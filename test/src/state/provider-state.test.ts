import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FilesystemStorage, MemoryStorage } from '../../../storage/index.js';
import {
  addStateInstance,
  isAlreadyBootstrapped,
  isNotBootstrapped,
  isStateCorrupt,
  loadState,
  removeStateInstances,
  saveState,
  stateObjectName,
  type StateCorruptError,
} from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);

/** No control character in the message, nor anywhere down the cause chain (what --debug and logs print). */
function assertQuotesNoBytes(error: unknown): void {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.doesNotMatch(`${e.message}\n${e.stack ?? ''}`, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no raw control or bidi characters');
    assert.equal((e as { mark?: unknown }).mark, undefined, 'no parser error holding the document');
  }
}

const empty = { stateInstances: [], fields: {} };

describe('provider-state', () => {
  it('a missing object means not bootstrapped, with a message saying what to do', async () => {
    await assert.rejects(loadState({ storage: new MemoryStorage() }), (error: unknown) => {
      assert.ok(isNotBootstrapped(error));
      assert.match((error as Error).message, /no provider-state .* run "envboot bootstrap" first/);
      return true;
    });
    await assert.rejects(addStateInstance({ storage: new MemoryStorage(), instanceId: 'i-1' }), isNotBootstrapped);
  });

  it('claiming with a create-only write succeeds once; the second claim is "already bootstrapped"', async () => {
    const storage = new MemoryStorage();
    await saveState({ storage, state: { stateInstances: ['i-1'], fields: {} }, expect: 'create' });
    await assert.rejects(saveState({ storage, state: empty, expect: 'create' }), isAlreadyBootstrapped);
    assert.deepEqual((await loadState({ storage })).state.stateInstances, ['i-1']);
  });

  it('is stored as YAML with a state-instances list', async () => {
    const storage = new MemoryStorage();
    await saveState({ storage, state: { stateInstances: ['i-1', 'i-2'], fields: {} }, expect: 'create' });
    const text = Buffer.from((await storage.get({ key: stateObjectName })).body).toString();
    assert.equal(text, 'state-instances:\n  - i-1\n  - i-2\n');
  });

  it('adds and removes instance ids without duplicates, keeping other fields', async () => {
    const storage = new MemoryStorage();
    await storage.put({ key: stateObjectName, body: 'environment-uuid: "1234"\nfuture-field:\n  nested: [1, 2]\n' });
    await addStateInstance({ storage, instanceId: 'i-1' });
    await addStateInstance({ storage, instanceId: 'i-2' });
    await addStateInstance({ storage, instanceId: 'i-1' });
    await removeStateInstances({ storage, instanceIds: ['i-1', 'i-never'] });
    const { state } = await loadState({ storage });
    assert.deepEqual(state.stateInstances, ['i-2']);
    assert.deepEqual(state.fields, { 'environment-uuid': '1234', 'future-field': { nested: [1, 2] } });
  });

  it('saving with a stale version loses the race', async () => {
    const storage = new MemoryStorage();
    await saveState({ storage, state: empty, expect: 'create' });
    const { version } = await loadState({ storage });
    await addStateInstance({ storage, instanceId: 'i-1' });
    await assert.rejects(saveState({ storage, state: empty, expect: { version } }), { code: 'PRECONDITION_FAILED' });
  });

  const corruptions: [string, string | Uint8Array, RegExp][] = [
    ['bad YAML', 'state-instances: [i-1\n', /not valid YAML \(.* at line 2, column 1\)/],
    ['a list instead of a mapping', '- i-1\n', /not a YAML mapping but a list/],
    ['a scalar document', 'hello\n', /not a YAML mapping but a string/],
    ['nothing in it', '', /it is empty/],
    ['only blank lines', '\n  \n', /it is empty/],
    ['bytes that are not UTF-8', new Uint8Array([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe, 0x00]), /it is not UTF-8 text \(7 bytes\)/],
    ['terminal escapes in it', 'state-instances: [\u001b[2J\u001b]0;pwned\u0007\n', /not valid YAML \(the stream contains non-printable characters at line 1, column 20\)/],
    ['state-instances that is not a list', 'state-instances: i-1\n', /"state-instances" is not a list/],
    ['a non-string id', 'state-instances: [i-1, {a: 1}]\n', /"state-instances\[1\]" is not a non-empty string/],
    ['an empty id', 'state-instances: ["i-1", ""]\n', /"state-instances\[1\]"/],
  ];
  for (const [what, body, problem] of corruptions) {
    it(`a document with ${what} is reported as corrupt and never overwritten`, async () => {
      const storage = new MemoryStorage({ name: 'prod' });
      await storage.put({ key: stateObjectName, body });
      const check = (error: unknown): boolean => {
        assert.ok(isStateCorrupt(error));
        assert.match((error as Error).message, /provider-state in memory storage prod is corrupt/);
        assert.match((error as Error).message, problem);
        assert.match((error as StateCorruptError).problem ?? '', problem, 'the problem on its own, for messages of their own');
        assert.match((error as Error).message, /run "envboot destroy" to remove the environment/);
        assertQuotesNoBytes(error);
        return true;
      };
      await assert.rejects(loadState({ storage }), check);
      await assert.rejects(addStateInstance({ storage, instanceId: 'i-9' }), check);
      await assert.rejects(removeStateInstances({ storage, instanceIds: ['i-1'] }), check);
      assert.deepEqual((await storage.get({ key: stateObjectName })).body, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    });
  }

  it('quotes nothing of what YAML a parser error shows, however much of it there is', async () => {
    const storage = new MemoryStorage();
    // The parser's reason quotes a bad tag in full.
    await storage.put({ key: stateObjectName, body: `state-instances: !<${'\u001b[2J\u202e'.repeat(200)}> [i-1]\n` });
    await assert.rejects(loadState({ storage }), (error: unknown) => {
      assertQuotesNoBytes(error);
      assert.ok((error as Error).message.length < 600, `a short message, not the object: ${(error as Error).message.length} characters`);
      return true;
    });
  });

  it('an empty document has no instances', async () => {
    const storage = new MemoryStorage();
    await storage.put({ key: stateObjectName, body: 'state-instances:\n' });
    assert.deepEqual((await loadState({ storage })).state.stateInstances, []);
  });

  it('an aborted signal stops an update before it writes', async () => {
    const storage = new MemoryStorage();
    await saveState({ storage, state: empty, expect: 'create' });
    await assert.rejects(addStateInstance({ storage, instanceId: 'i-1', signal: AbortSignal.abort() }), { code: 'CANCELLED' });
    assert.deepEqual((await loadState({ storage })).state.stateInstances, []);
  });

  it('8 processes each adding 25 ids at once end with exactly 200 ids', async () => {
    const root = path.join(await tempDir(), 'store');
    const storage = new FilesystemStorage({ root });
    await saveState({ storage, state: empty, expect: 'create' });
    const worker = fileURLToPath(new URL('./fixtures/add-instances-worker.js', import.meta.url));
    await Promise.all(
      Array.from({ length: 8 }, (_, p) => run(process.execPath, [worker, root, `p${p}`, '25'], { timeout: 120_000 })),
    );
    const ids = (await loadState({ storage })).state.stateInstances;
    assert.equal(ids.length, 200);
    assert.equal(new Set(ids).size, 200);
    for (let p = 0; p < 8; p += 1) {
      const mine = ids.filter((id) => id.startsWith(`p${p}-`));
      assert.deepEqual(mine, Array.from({ length: 25 }, (_, n) => `p${p}-${n}`), `process ${p} ids in order`);
    }
  });
});
