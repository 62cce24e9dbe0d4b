import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connectSsh, generateSshKeyPair } from '../../../../src/index.js';
import { readLoginKeys, rootAuthorizedKeysFile } from '../../../../providers/local/agent/login-keys.js';
import { MachineSsh } from '../../../../providers/local/agent/machine-ssh.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { serveMachineSsh } from '../fixtures.js';

const alice = generateSshKeyPair({ comment: 'alice' });
const bob = generateSshKeyPair({ comment: 'bob' });

describe("a local machine's login keys", () => {
  it("reads the key lines of the machine root's authorized_keys, skipping comments and lines with options", async () => {
    const fsDir = await tempDir();
    assert.equal(await readLoginKeys(fsDir), undefined, 'no file: undefined');
    const file = rootAuthorizedKeysFile(fsDir);
    assert.equal(file, path.join(fsDir, 'own', '_root', '.ssh', 'authorized_keys'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `# keys\n\n${alice.publicKey}\ncommand="/bin/false" ${bob.publicKey}\n  ${bob.publicKey}  \n`);
    assert.deepEqual(await readLoginKeys(fsDir), [alice.publicKey, bob.publicKey]);
  });

  it('follows no symbolic link the machine root may have put there, for the file or for .ssh', async () => {
    const elsewhere = await tempDir();
    await writeFile(path.join(elsewhere, 'keys'), `${alice.publicKey}\n`);
    const linkedFile = await tempDir();
    await mkdir(path.join(linkedFile, 'own', '_root', '.ssh'), { recursive: true });
    await symlink(path.join(elsewhere, 'keys'), rootAuthorizedKeysFile(linkedFile));
    assert.equal(await readLoginKeys(linkedFile), undefined);
    const linkedDir = await tempDir();
    await mkdir(path.join(linkedDir, 'own', '_root'), { recursive: true });
    await symlink(elsewhere, path.join(linkedDir, 'own', '_root', '.ssh'));
    await writeFile(path.join(elsewhere, 'authorized_keys'), `${alice.publicKey}\n`);
    assert.equal(await readLoginKeys(linkedDir), undefined);
  });

  it('lets in, at each new connection, the keys loginKeys reads then: a key taken out is refused at once', async (t) => {
    const hostKey = generateSshKeyPair({ comment: 'host' });
    let keys = [alice.publicKey, 'not a key line'];
    const ssh = new MachineSsh({
      hostKey: hostKey.privateKey,
      authorizedKeys: [],
      loginKeys: () => Promise.resolve(keys),
      run: (command) => spawn('/bin/sh', ['-c', command], { detached: true }),
    });
    const port = await serveMachineSsh(t, ssh);
    const login = (privateKey: string): Promise<number | undefined> =>
      connectSsh({ host: '127.0.0.1', port, user: 'root', privateKey, hostKeys: [hostKey.publicKey] }).then(async (connection) => {
        try {
          return (await connection.exec({ command: 'true' })).exitCode;
        } finally {
          connection.close();
        }
      });
    assert.equal(await login(alice.privateKey), 0);
    await assert.rejects(login(bob.privateKey), { code: 'SSH_AUTH_REFUSED' });
    keys = [bob.publicKey];
    assert.equal(await login(bob.privateKey), 0);
    await assert.rejects(login(alice.privateKey), { code: 'SSH_AUTH_REFUSED' });
  });
});
