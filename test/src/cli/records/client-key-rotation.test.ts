import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { clientKeyFile, ensureClientKey, readClientKey } from '../../../../src/cli/records/client-key.js';
import {
  ensureNextClientKey,
  forgetNextClientKey,
  forgetPreviousClientKey,
  readClientKeyRotation,
  switchToNextClientKey,
} from '../../../../src/cli/records/client-key-rotation.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe("the client key's rotation files", () => {
  it('keep one pending new key (0600) however often a rotation starts, until it is switched to or forgotten', async () => {
    const dir = path.join(await tempDir(), 'env');
    await ensureClientKey({ dir, environment: 'demo' });
    const next = await ensureNextClientKey({ dir, comment: 'envboot-demo' });
    assert.deepEqual(await ensureNextClientKey({ dir, comment: 'envboot-demo' }), next, 'a second start goes on with the same key');
    assert.equal((await stat(`${clientKeyFile(dir)}.next`)).mode & 0o777, 0o600);
    assert.deepEqual(await readClientKeyRotation(dir), { next, previous: undefined });
    await forgetNextClientKey(dir);
    assert.deepEqual(await readClientKeyRotation(dir), { next: undefined, previous: undefined });
  });

  it('switch: the new key becomes client-key (0600, with its .pub), the old one client-key.previous until forgotten', async () => {
    const dir = path.join(await tempDir(), 'env');
    const current = await ensureClientKey({ dir, environment: 'demo' });
    const next = await ensureNextClientKey({ dir, comment: 'envboot-demo' });
    await switchToNextClientKey({ dir, next, current });
    assert.deepEqual(await readClientKey(dir), next);
    assert.equal((await stat(clientKeyFile(dir))).mode & 0o777, 0o600);
    assert.equal((await stat(`${clientKeyFile(dir)}.previous`)).mode & 0o777, 0o600);
    assert.deepEqual(await readClientKeyRotation(dir), { next: undefined, previous: current });
    await forgetPreviousClientKey(dir);
    assert.deepEqual(await readClientKeyRotation(dir), { next: undefined, previous: undefined });
  });

  it('a client-key.pub of another key (a switch cut short before the .pub) is not believed: the public half is derived', async () => {
    const dir = path.join(await tempDir(), 'env');
    const current = await ensureClientKey({ dir, environment: 'demo' });
    const next = await ensureNextClientKey({ dir, comment: 'envboot-demo' });
    await writeFile(clientKeyFile(dir), next.privateKey, { mode: 0o600 });
    assert.equal(await readFile(`${clientKeyFile(dir)}.pub`, 'utf8'), `${current.publicKey}\n`);
    assert.equal((await readClientKey(dir))?.publicKey, next.publicKey);
  });
});
