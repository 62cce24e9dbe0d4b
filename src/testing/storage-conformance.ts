import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Storage } from '../../storage/index.js';
import { incrementCounter } from './cas-counter.js';

const run = promisify(execFile);

/** How a child process opens the same storage: an ES module exporting `openStorage(arg)`. */
export interface ChildStorageOpener {
  /** A `file:` URL or an absolute path of the module. */
  readonly module: string;
  /** JSON-serialisable; passed to `openStorage`. */
  readonly arg: unknown;
}

export interface StorageFixture {
  readonly storage: Storage;
  /** Opener for the cross-process checks; they are skipped (and say so) without one. */
  readonly child?: ChildStorageOpener;
  /** Removes whatever the fixture made; called even when a check fails. */
  cleanup(): Promise<void>;
}

export interface StorageConformanceParams {
  readonly name: string;
  /** Makes a fresh, empty storage for one check. */
  readonly create: () => Promise<StorageFixture>;
  /**
   * True for storage that lives inside one process (memory): the cross-process check is
   * then not registered at all. Anything shareable must give `StorageFixture.child`.
   */
  readonly singleProcess?: boolean;
  /** Processes in the cross-process check, and increments each makes. Default 6 × 20. */
  readonly processes?: number;
  readonly incrementsPerProcess?: number;
}

/**
 * The checks every Storage implementation must pass, as `node:test` suites. Run it from
 * the implementation's test file.
 *
 * @example
 * describeStorageConformance({
 *   name: 'filesystem',
 *   create: async () => { const root = await mkdtemp(…); return { storage: new FilesystemStorage({ root }), cleanup: () => rm(root, { recursive: true }) }; },
 * });
 */
export function describeStorageConformance(params: StorageConformanceParams): void {
  const check = (title: string, body: (storage: Storage, fixture: StorageFixture) => Promise<void>): void => {
    it(title, async () => {
      const fixture = await params.create();
      try {
        await body(fixture.storage, fixture);
      } finally {
        await fixture.cleanup();
      }
    });
  };

  describe(`storage conformance: ${params.name}`, () => {
    check('get of a missing key fails with NOT_FOUND', async (storage) => {
      await assert.rejects(storage.get({ key: 'missing' }), { code: 'NOT_FOUND' });
    });

    check('put then get returns the same bytes and version', async (storage) => {
      const body = Uint8Array.from({ length: 256 }, (_, i) => i);
      const { version } = await storage.put({ key: 'bin/all-bytes', body });
      const got = await storage.get({ key: 'bin/all-bytes' });
      assert.deepEqual(Buffer.from(got.body), Buffer.from(body));
      assert.equal(got.version, version);
      await storage.put({ key: 'empty', body: '' });
      assert.equal((await storage.get({ key: 'empty' })).body.byteLength, 0);
    });

    check('an unconditional put replaces the object and changes its version', async (storage) => {
      const first = await storage.put({ key: 'k', body: 'one' });
      const second = await storage.put({ key: 'k', body: 'two' });
      assert.notEqual(first.version, second.version);
      assert.equal(Buffer.from((await storage.get({ key: 'k' })).body).toString(), 'two');
    });

    check('a create-only put creates once and then fails with PRECONDITION_FAILED', async (storage) => {
      await storage.put({ key: 'claim', body: 'mine', condition: { ifAbsent: true } });
      await assert.rejects(storage.put({ key: 'claim', body: 'theirs', condition: { ifAbsent: true } }), {
        code: 'PRECONDITION_FAILED',
      });
      assert.equal(Buffer.from((await storage.get({ key: 'claim' })).body).toString(), 'mine');
    });

    check('an if-version put succeeds on the current version only', async (storage) => {
      const v1 = await storage.put({ key: 'cas', body: 'v1' });
      const v2 = await storage.put({ key: 'cas', body: 'v2', condition: { ifVersion: v1.version } });
      await assert.rejects(storage.put({ key: 'cas', body: 'stale', condition: { ifVersion: v1.version } }), {
        code: 'PRECONDITION_FAILED',
      });
      assert.equal(Buffer.from((await storage.get({ key: 'cas' })).body).toString(), 'v2');
      await storage.put({ key: 'cas', body: 'v3', condition: { ifVersion: v2.version } });
      await assert.rejects(storage.put({ key: 'gone', body: 'x', condition: { ifVersion: v2.version } }), {
        code: 'PRECONDITION_FAILED',
      });
    });

    check('delete removes an object, is idempotent, and honours ifVersion', async (storage) => {
      const { version } = await storage.put({ key: 'd/x', body: 'x' });
      await storage.put({ key: 'd/x', body: 'y' });
      await assert.rejects(storage.delete({ key: 'd/x', ifVersion: version }), { code: 'PRECONDITION_FAILED' });
      await storage.delete({ key: 'd/x' });
      await storage.delete({ key: 'd/x' });
      await assert.rejects(storage.get({ key: 'd/x' }), { code: 'NOT_FOUND' });
    });

    check('list returns keys under a prefix in byte order, page by page, each once', async (storage) => {
      const keys = ['a', 'a/b', 'a/b/c', 'a/z', 'ab', 'b/1', 'sp ace/%25/ü', 'x/y'];
      for (const key of [...keys].reverse()) await storage.put({ key, body: key });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.list({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        assert.ok(page.objects.length <= 3);
        seen.push(...page.objects.map((o) => o.key));
        cursor = page.cursor;
      } while (cursor !== undefined);
      assert.deepEqual(seen, keys);
      const underA = await storage.list({ prefix: 'a/' });
      assert.deepEqual(
        underA.objects.map((o) => o.key),
        ['a/b', 'a/b/c', 'a/z'],
      );
      const [first] = underA.objects;
      assert.ok(first !== undefined);
      assert.equal(first.size, 3);
      assert.equal(first.version, (await storage.get({ key: 'a/b' })).version);
    });

    check('keys that could escape or differ between stores are refused with CONFIG_INVALID', async (storage) => {
      for (const key of ['', '/abs', 'a/../b', '..', 'a//b', 'a/', 'a\\b', 'a\u0000b', './a']) {
        await assert.rejects(storage.put({ key, body: 'x' }), { code: 'CONFIG_INVALID' }, `key ${JSON.stringify(key)}`);
      }
      assert.deepEqual((await storage.list({})).objects, []);
    });

    check('removeAll deletes everything and can run twice', async (storage) => {
      for (const key of ['p/1', 'p/2', 'q']) await storage.put({ key, body: key });
      await storage.removeAll();
      await storage.removeAll();
      assert.deepEqual((await storage.list({})).objects, []);
      await assert.rejects(storage.get({ key: 'q' }), { code: 'NOT_FOUND' });
    });

    check('an aborted signal fails operations with CANCELLED', async (storage) => {
      const signal = AbortSignal.abort();
      await assert.rejects(storage.put({ key: 'k', body: 'x', signal }), { code: 'CANCELLED' });
      await assert.rejects(storage.get({ key: 'k', signal }), { code: 'CANCELLED' });
      await assert.rejects(storage.get({ key: 'k' }), { code: 'NOT_FOUND' });
    });

    check('concurrent compare-and-swap within one process loses no update', async (storage) => {
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 10; i += 1) await incrementCounter(storage, 'counter');
        }),
      );
      assert.equal(Buffer.from((await storage.get({ key: 'counter' })).body).toString(), '80');
    });

    if (params.singleProcess === true) return;
    check('concurrent compare-and-swap from several processes loses no update', async (storage, fixture) => {
      const child = fixture.child;
      if (child === undefined) {
        assert.fail(`${params.name} gives no child opener, so cross-process compare-and-swap cannot be checked`);
      }
      const processes = params.processes ?? 6;
      const increments = params.incrementsPerProcess ?? 20;
      const worker = new URL('./storage-cas-worker.js', import.meta.url);
      const argument = JSON.stringify({ module: child.module, arg: child.arg, key: 'counter', increments });
      await Promise.all(
        Array.from({ length: processes }, () => run(process.execPath, [fileURLToPath(worker), argument], { timeout: 120_000 })),
      );
      assert.equal(Buffer.from((await storage.get({ key: 'counter' })).body).toString(), String(processes * increments));
    });
  });
}
