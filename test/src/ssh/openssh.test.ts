import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  configureMachine,
  connectSsh,
  generateSshKeyPair,
  isCancelled,
  isHostKeyMismatch,
  isSshAuthRefused,
  uploadFile,
  waitSSH,
} from '../../../src/index.js';
import { startOpenSsh } from '../../helpers/openssh-server.js';

const client = generateSshKeyPair({ comment: 'client' });

describe("against OpenSSH's sshd", () => {
  it('connects with the pinned host key, runs commands and uploads files', async (t) => {
    const sshd = await startOpenSsh(t, { authorizedKeys: [client.publicKey] });
    if (sshd === undefined) return;
    const target = { host: sshd.host, port: sshd.port, user: 'root', privateKey: client.privateKey, hostKeys: [sshd.hostPublicKey] };
    const connection = await connectSsh(target);
    try {
      const result = await connection.exec({ command: 'echo out; echo err >&2; exit 5' });
      assert.deepEqual([result.exitCode, result.stdout.toString(), result.stderr.toString()], [5, 'out\n', 'err\n']);
      const file = path.join(sshd.dir, 'uploaded');
      await uploadFile({ connection, path: file, content: Buffer.from([0, 10, 255]) });
      assert.deepEqual([...(await readFile(file))], [0, 10, 255]);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
    } finally {
      connection.close();
    }
    await assert.rejects(connectSsh({ ...target, hostKeys: [generateSshKeyPair().publicKey] }), isHostKeyMismatch);
    await assert.rejects(connectSsh({ ...target, privateKey: generateSshKeyPair().privateKey }), isSshAuthRefused);
  });

  it('waitSSH proves the nonce and configureMachine applies a config, streaming its output', async (t) => {
    const sshd = await startOpenSsh(t, { authorizedKeys: [client.publicKey] });
    if (sshd === undefined) return;
    const nonceFile = path.join(sshd.dir, 'nonce');
    await writeFile(nonceFile, 'the-nonce\n');
    const result = await waitSSH({
      instance: { id: 'sshd', refresh: () => Promise.resolve({ status: 'running', addresses: [{ value: sshd.host, port: sshd.port, scope: 'public' }] }) },
      user: 'root',
      privateKey: client.privateKey,
      hostKeys: [sshd.hostPublicKey],
      nonce: 'the-nonce',
      timeoutMs: 10_000,
      tunables: { nonceFile },
    });
    try {
      const lines: string[] = [];
      await configureMachine({
        connection: result.connection,
        rootPrefix: sshd.dir,
        config: { write_files: [{ path: '/etc/motd', content: 'hello\n' }], runcmd: [['echo', 'from sshd']] },
        onEvent: (e) => {
          if (e.type === 'configure.output') lines.push(e.line);
        },
      });
      assert.equal(await readFile(path.join(sshd.dir, 'etc/motd'), 'utf8'), 'hello\n');
      assert.ok(lines.includes('from sshd'));
    } finally {
      result.connection.close();
    }
  });

  it('a cancelled configure run is stopped on the machine', async (t) => {
    const sshd = await startOpenSsh(t, { authorizedKeys: [client.publicKey] });
    if (sshd === undefined) return;
    const connection = await connectSsh({ host: sshd.host, port: sshd.port, user: 'root', privateKey: client.privateKey, hostKeys: [sshd.hostPublicKey] });
    try {
      const controller = new AbortController();
      const pending = configureMachine({
        connection,
        rootPrefix: sshd.dir,
        config: { runcmd: ['echo started', 'sleep 30', 'touch "$ENVBOOT_ROOT/after"'] },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'configure.output' && e.line === 'started') controller.abort();
        },
      });
      await assert.rejects(pending, isCancelled);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await assert.rejects(stat(path.join(sshd.dir, 'after')), { code: 'ENOENT' });
      const left = await connection.exec({ command: 'pgrep -f "^sleep 30$" || true' });
      assert.equal(left.stdout.toString().trim(), '', 'the script and its command were stopped');
    } finally {
      connection.close();
    }
  });
});
