import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { authorizedKeysScript, generateSshKeyPair, parseAuthorizedKeysReport, type AuthorizedKeysChange } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const uuid = '6f1c3a52-2c1e-4a41-9d0b-0a8f3b1c2d3e';
const keyOf = (line: string): string => line.split(' ').slice(0, 2).join(' ');
const own = generateSshKeyPair({ comment: 'envboot-demo' });
const bob = generateSshKeyPair({ comment: 'bob@laptop' });
const personal = generateSshKeyPair({ comment: 'debian@workstation' });
const bobLine = `${keyOf(bob.publicKey)} envboot:${uuid}:bob`;

/** Runs the script as the shell on a machine would, with HOME pointed at a temporary home. */
function run(home: string, change: AuthorizedKeysChange, environmentUuid = uuid): { added: number; removed: number } {
  const ran = spawnSync('/bin/sh', ['-s'], { input: authorizedKeysScript({ ...change, environmentUuid }), env: { PATH: process.env['PATH'], HOME: home }, encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  return parseAuthorizedKeysReport(ran.stdout) ?? assert.fail(`no report: ${ran.stdout}`);
}

describe("the script that changes a machine's authorized_keys", () => {
  it('creates ~/.ssh (0700) and the file (0600) when missing, and adds a line once however often it runs', async () => {
    const home = await tempDir();
    assert.deepEqual(run(home, { add: [bobLine] }), { added: 1, removed: 0, remaining: 0 });
    assert.deepEqual(run(home, { add: [bobLine] }), { added: 0, removed: 0, remaining: 0 });
    assert.equal(await readFile(path.join(home, '.ssh', 'authorized_keys'), 'utf8'), `${bobLine}\n`);
    assert.equal((await stat(path.join(home, '.ssh'))).mode & 0o777, 0o700);
    assert.equal((await stat(path.join(home, '.ssh', 'authorized_keys'))).mode & 0o777, 0o600);
  });

  it("removes envboot's lines of a key only: a line with options and the user's own copy of the key stay", async () => {
    const home = await tempDir();
    await mkdir(path.join(home, '.ssh'), { mode: 0o700 });
    const file = path.join(home, '.ssh', 'authorized_keys');
    const optioned = `no-port-forwarding,command="echo Please login as debian" ${keyOf(bob.publicKey)} envboot:${uuid}:bob`;
    const users = `${keyOf(bob.publicKey)} bob-own-copy`;
    // The last line without a newline, as an editor may leave it.
    await writeFile(file, `${personal.publicKey}\n${own.publicKey}\n${optioned}\n${users}\n${bobLine}`, { mode: 0o644 });
    // The two lines that stay still let bob in: the report counts them, for revoke to warn.
    assert.deepEqual(run(home, { remove: [keyOf(bob.publicKey)] }), { added: 0, removed: 1, remaining: 2 });
    assert.equal(await readFile(file, 'utf8'), `${personal.publicKey}\n${own.publicKey}\n${optioned}\n${users}\n`);
    assert.equal((await stat(file)).mode & 0o777, 0o644, 'rewritten in place: its mode stays');
    assert.deepEqual(run(home, { remove: [keyOf(own.publicKey)], add: [bobLine] }), { added: 1, removed: 1, remaining: 0 }, "the client key a machine started with (comment envboot-…) counts as envboot's");
    assert.equal(await readFile(file, 'utf8'), `${personal.publicKey}\n${optioned}\n${users}\n${bobLine}\n`);
  });

  it("touches only this environment's lines: another environment's line of the same key on the same login user stays", async () => {
    const home = await tempDir();
    await mkdir(path.join(home, '.ssh'), { mode: 0o700 });
    const file = path.join(home, '.ssh', 'authorized_keys');
    const otherUuid = '0d9e8f7a-1b2c-4d3e-8f4a-5b6c7d8e9f0a';
    const othersLine = `${keyOf(bob.publicKey)} envboot:${otherUuid}:bob`;
    await writeFile(file, `${othersLine}\n`, { mode: 0o600 });
    assert.deepEqual(run(home, { add: [bobLine] }), { added: 1, removed: 0, remaining: 0 }, "another environment's line does not count as this one's");
    assert.deepEqual(run(home, { remove: [keyOf(bob.publicKey)] }), { added: 0, removed: 1, remaining: 1 }, 'the line left still lets bob in: the report counts it');
    assert.equal(await readFile(file, 'utf8'), `${othersLine}\n`);
    assert.deepEqual(run(home, { remove: [keyOf(bob.publicKey)] }, otherUuid), { added: 0, removed: 1, remaining: 0 }, 'the other environment removes its own');
    assert.equal(await readFile(file, 'utf8'), '');
  });

  it('loses no change when several run at once (two authorizes, or a revoke beside an authorize)', async () => {
    const home = await tempDir();
    const lines = Array.from({ length: 10 }, (_, i) => `${keyOf(generateSshKeyPair({ comment: `c${i}` }).publicKey)} envboot:${uuid}:c${i}`);
    const runs = lines.map(
      (line) =>
        new Promise<number | null>((resolve) => {
          const child = spawn('/bin/sh', ['-s'], { env: { PATH: process.env['PATH'], HOME: home }, stdio: ['pipe', 'ignore', 'inherit'] });
          child.on('close', resolve);
          child.stdin.end(authorizedKeysScript({ add: [line], environmentUuid: uuid }));
        }),
    );
    assert.deepEqual(await Promise.all(runs), lines.map(() => 0));
    const file = (await readFile(path.join(home, '.ssh', 'authorized_keys'), 'utf8')).split('\n').filter((line) => line !== '');
    assert.deepEqual(file.sort(), [...lines].sort(), 'every line added, none twice');
    await assert.rejects(stat(path.join(home, '.ssh', '.envboot-lock')), 'the lock is given back');
  });

  it('refuses a line that is not a key, before any script runs', () => {
    assert.throws(() => authorizedKeysScript({ add: ["x'; rm -rf ~; echo '"], environmentUuid: uuid }), /not a key line/);
  });
});
