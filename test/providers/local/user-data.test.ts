import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCode, findInChain, hasUserData, machineTags, proofFromUserData, type UserDataEnviron, type ZonedEnviron } from '../../../src/index.js';
import { machineUserData, openEnvironment, openLocal, waitUntilBooted } from './fixtures.js';

function userDataAbility(environ: ZonedEnviron): UserDataEnviron {
  assert.ok(hasUserData(environ), 'the local provider has the user-data ability');
  return environ;
}

describe('local provider: user-data', () => {
  it('gives back the user-data a machine was started with, byte for byte, after its first boot too, from a 0600 file', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-user-data-' });
    if (opened === undefined) return;
    const environ = userDataAbility(opened.environ);
    const made = machineUserData();
    const { instance } = await opened.environ.startInstance({ machineId: '2', constraints: {}, userData: made.userData, tags: machineTags(environ.environment, '2') });
    assert.equal((await waitUntilBooted(opened.environ, instance.id)).status, 'running');
    const read = await environ.instanceUserData({ id: instance.id });
    assert.deepEqual(read, new Uint8Array(made.userData));
    assert.deepEqual(proofFromUserData(read), { hostKeys: [made.hostKey.publicKey.trim()], nonce: made.nonce });
    const file = path.join(opened.dataDir, 'machines', instance.id, 'user-data');
    assert.equal(statSync(file).mode & 0o777, 0o600);

    // A later process (another Environ on the same data directory) reads it without the agent's help.
    const later = await openLocal(t, { dataDir: opened.dataDir, uuid: environ.environment.uuid });
    assert.ok(later !== undefined && hasUserData(later));
    assert.deepEqual(await later.instanceUserData({ id: instance.id }), new Uint8Array(made.userData));

    await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
    assert.equal(await environ.instanceUserData({ id: instance.id }), undefined, 'a stopped machine is gone, its user-data with it');
  });

  it("is undefined for another environment's machine, an unknown or malformed id, and a machine whose user-data is gone; CANCELLED when aborted", async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-user-data-others-' });
    if (opened === undefined) return;
    const environ = userDataAbility(opened.environ);
    const made = machineUserData();
    const { instance } = await opened.environ.startInstance({ machineId: '1', constraints: {}, userData: made.userData, tags: machineTags(environ.environment, '1') });
    await waitUntilBooted(opened.environ, instance.id);
    const stranger = await openLocal(t, { dataDir: opened.dataDir });
    assert.ok(stranger !== undefined && hasUserData(stranger));
    assert.equal(await stranger.instanceUserData({ id: instance.id }), undefined, "another environment's");
    for (const id of ['local-00000000', 'not-a-local-id', `../machines/${instance.id}`]) {
      assert.equal(await environ.instanceUserData({ id }), undefined, id);
    }
    await assert.rejects(environ.instanceUserData({ id: instance.id, signal: AbortSignal.abort() }), (error: Error) => findInChain(error, ErrorCode.Cancelled) !== undefined);
    await rm(path.join(opened.dataDir, 'machines', instance.id, 'user-data'));
    assert.equal(await environ.instanceUserData({ id: instance.id }), undefined, 'the first boot consumed the record copy, and the file is gone');
  });
});
