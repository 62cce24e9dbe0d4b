import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { connectSsh, generateSshKeyPair } from '../../src/index.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { cliHome } from '../src/cli/cli-harness.js';

const keyOf = (line: string): string => line.split(' ').slice(0, 2).join(' ');

describe("authorize and revoke on the manual provider (OpenSSH sshd, a cloud image's host whose default user is debian)", () => {
  it("edit debian's authorized_keys, never root's; the release removes the environment's keys and nothing else", async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    const system = host?.system;
    if (host === undefined || system === undefined) return;
    const personal = generateSshKeyPair({ comment: 'debian@workstation' });
    const tester = generateSshKeyPair({ comment: 'tester@ci' });
    const later = generateSshKeyPair({ comment: 'later@ci' });
    // The host user's own lines: a key of their own, and their own copy of the key authorized later.
    const ownCopy = `${keyOf(later.publicKey)} debian-own-copy`;
    const seeded = await system.run({ script: `printf '%s\\n' '${personal.publicKey}' '${ownCopy}' >> /home/debian/.ssh/authorized_keys` });
    assert.equal(seeded.status, 0, seeded.stderr);
    const debianKeys = async (): Promise<string> => (await system.run({ script: 'cat /home/debian/.ssh/authorized_keys' })).stdout;
    const rootKeys = async (): Promise<string> => (await system.run({ script: 'cat /root/.ssh/authorized_keys 2>/dev/null || true' })).stdout;
    const login = async (privateKey: string): Promise<string> => {
      const connection = await connectSsh({ host: host.host, port: host.port, user: 'debian', privateKey, hostKeys: [host.hostPublicKey] });
      try {
        return (await connection.exec({ command: 'id -un' })).stdout.toString('utf8').trim();
      } finally {
        connection.close();
      }
    };

    const cli = await cliHome('envboot-cli-authorize-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    t.after(() => cli.run(['destroy', 'shared', '--yes']));
    const boot = await cli.run(['bootstrap', 'shared', '--provider', 'manual', '--identity', identity, '--host-key', host.hostPublicKey, '--host', `debian@${host.host}:${host.port}`]);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const rootBefore = await rootKeys();
    await assert.rejects(login(tester.privateKey), { code: 'SSH_AUTH_REFUSED' });

    const authorized = await cli.run(['authorize', 'shared', tester.publicKey, '--label', 'tester']);
    assert.equal(authorized.code, 0, authorized.stderr + authorized.stdout);
    assert.equal(await login(tester.privateKey), 'debian');
    assert.match(await debianKeys(), new RegExp(`^${escape(keyOf(tester.publicKey))} envboot:[0-9a-f-]{36}:tester$`, 'm'));
    assert.equal(await rootKeys(), rootBefore, "root's authorized_keys is not touched");

    const revoked = await cli.run(['revoke', 'shared', 'tester']);
    assert.equal(revoked.code, 0, revoked.stderr + revoked.stdout);
    await assert.rejects(login(tester.privateKey), { code: 'SSH_AUTH_REFUSED' });
    assert.ok(!(await debianKeys()).includes(keyOf(tester.publicKey)), "the tester's line is gone");

    const second = await cli.run(['authorize', 'shared', later.publicKey, '--label', 'later']);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    const revokedLater = await cli.run(['revoke', 'shared', 'later']);
    assert.equal(revokedLater.code, 0, revokedLater.stderr);
    assert.equal(await login(later.privateKey), 'debian', "the host user's own copy of a revoked key stays, and lets it in");
    assert.match(revokedLater.stdout, /machine 0: key removed; warning: 1 other line \(the login user's own, or another environment's\) still lets this key in/, 'and revoke says so');
    assert.doesNotMatch(revoked.stdout, /warning/, 'no warning where nothing else lets the key in');
    assert.ok((await debianKeys()).includes(ownCopy));

    const again = await cli.run(['authorize', 'shared', tester.publicKey]);
    assert.equal(again.code, 0, again.stderr);
    const destroyed = await cli.run(['destroy', 'shared', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    const left = (await debianKeys()).split('\n').filter((line) => line !== '');
    assert.deepEqual(left, [operator.publicKey, personal.publicKey, ownCopy], "released: the environment's key and every authorized client's line are gone, the user's own lines stay");
    assert.equal(await rootKeys(), rootBefore);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
