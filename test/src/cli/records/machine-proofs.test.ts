import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileProofKeeper, proofsDir } from '../../../../src/cli/records/machine-proofs.js';
import { identityOf } from '../../../../src/util/process-identity.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const proof = { hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr9Jm0c1Nm5mEYJ0Rz8oD5zGQe2v6uX0mJtBQdDmHrB envboot-machine-1'], nonce: '0123456789abcdef0123456789abcdef' };

describe("the CLI's proof files", () => {
  it('keeps a proof 0600 in a 0700 folder, finds it, and takes the folder away with the last one', async () => {
    const dir = await tempDir('envboot-proofs-');
    const keeper = fileProofKeeper(dir, { command: 'envboot add-machine demo', configDigest: 'a'.repeat(64) });
    await keeper.keep('1', proof);
    await keeper.keep('2', proof);
    assert.equal((await stat(proofsDir(dir))).mode & 0o777, 0o700);
    assert.equal((await stat(path.join(proofsDir(dir), '1.json'))).mode & 0o777, 0o600);
    assert.deepEqual(await keeper.find('1'), proof);
    await keeper.release('1');
    assert.equal(await keeper.find('1'), undefined);
    assert.deepEqual(await readdir(proofsDir(dir)), ['2.json']);
    await keeper.release('2');
    await keeper.release('2');
    assert.deepEqual(await readdir(dir), [], 'nothing pending, no trace');
  });

  it('lists only proofs, forgets what a write cut short left with its proof, and keeps the digest of the cloud-config', async () => {
    const dir = await tempDir('envboot-proofs-');
    const keeper = fileProofKeeper(dir, { command: 'envboot add-machine demo', configDigest: 'a'.repeat(64) });
    await keeper.keep('5', proof);
    const leftover = path.join(proofsDir(dir), '5.json.4242.deadbeef.tmp');
    await writeFile(leftover, JSON.stringify(proof));
    assert.deepEqual(await keeper.keptIds(), ['5'], 'a temporary file is no proof');
    assert.equal(await keeper.configDigest('5'), 'a'.repeat(64));
    assert.equal(await fileProofKeeper(dir, { command: 'x', configDigest: null }).configDigest('9'), undefined);
    await keeper.release('5');
    assert.deepEqual(await readdir(dir), [], 'the nonce in the temporary file went with the proof');
  });

  it('reads a damaged or foreign file as no proof (the machine is proven another way, or replaced)', async () => {
    const dir = await tempDir('envboot-proofs-');
    const keeper = fileProofKeeper(dir, { command: 'envboot add-machine demo', configDigest: 'a'.repeat(64) });
    await keeper.keep('3', proof);
    const file = path.join(proofsDir(dir), '3.json');
    for (const text of ['{', '{"hostKeys": [], "nonce": "0123456789abcdef0123456789abcdef"}', `{"hostKeys": ["k"], "nonce": "not hex"}`, '[]']) {
      await writeFile(file, text);
      assert.equal(await keeper.find('3'), undefined, text);
    }
  });

  it('refuses a machine id that would leave the folder', async () => {
    const keeper = fileProofKeeper(await tempDir('envboot-proofs-'), { command: 'envboot add-machine demo' });
    await assert.rejects(keeper.keep('../x', proof), /not a machine id/);
    await assert.rejects(keeper.keep('01', proof), /not a machine id/);
  });

  it('names the run still provisioning a machine, and no run once it is gone (or when it is this one)', async () => {
    const dir = await tempDir('envboot-proofs-');
    const keeper = fileProofKeeper(dir, { command: 'envboot add-machine demo', configDigest: 'a'.repeat(64) });
    await keeper.keep('4', proof);
    assert.equal(await keeper.provisioner('4'), undefined, 'this process is not another run');
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const pid = other.pid ?? 0;
      const file = path.join(proofsDir(dir), '4.json');
      const kept = JSON.parse(await readFile(file, 'utf8')) as { holder: Record<string, unknown> };
      const startTime = identityOf(pid)?.startTime;
      await writeFile(file, JSON.stringify({ ...kept, holder: { ...kept.holder, pid, startTime } }));
      assert.equal((await keeper.provisioner('4'))?.pid, pid);
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
      assert.equal(await keeper.provisioner('4'), undefined, 'a killed run holds nothing');
    } finally {
      other.kill('SIGKILL');
    }
  });
});
