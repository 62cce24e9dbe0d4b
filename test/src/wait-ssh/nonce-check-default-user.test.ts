import assert from 'node:assert/strict';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  ErrorCode,
  connectSsh,
  findInChain,
  generateSshKeyPair,
  isNonceUnreadable,
  readNonceState,
  waitSSH,
  type NonceUnreadableError,
  type SshKeyPair,
} from '../../../src/index.js';
import { SshTestHost, type CloudUserSudo } from '../../../src/testing/index.js';
import { requireRoot } from '../../helpers/require-tool.js';
import { scriptedInstance, loopback } from './fixtures.js';

const client = generateSshKeyPair();
const nonceFile = '/var/lib/envboot/nonce';

/** A test host that behaves like a cloud image: user `debian`, root refused, the nonce root's 0600. */
async function cloudImageHost(t: TestContext, sudo: CloudUserSudo = 'passwordless', key: SshKeyPair = client): Promise<SshTestHost | undefined> {
  if (!requireRoot(t, 'a non-root default user needs a private /etc and setpriv')) return undefined;
  const host = await SshTestHost.start({ authorizedKeys: [key.publicKey], defaultUser: 'debian', defaultUserSudo: sudo });
  t.after(() => host.stop());
  return host;
}

async function login(t: TestContext, host: SshTestHost, user: string): Promise<Parameters<typeof readNonceState>[0]> {
  const connection = await connectSsh({ host: host.hostname, port: host.port, user, privateKey: client.privateKey, hostKeys: [host.hostPublicKey] });
  t.after(() => { connection.close(); });
  return { connection, nonce: 'abc123', nonceFile, signal: new AbortController().signal };
}

async function refusal(check: Parameters<typeof readNonceState>[0]): Promise<NonceUnreadableError> {
  const error = await readNonceState(check).then(
    () => assert.fail('the read should have been refused'),
    (e: unknown) => e,
  );
  const found = findInChain(error, ErrorCode.SshNonceUnreadable);
  assert.ok(found !== undefined, `expected SSH_NONCE_UNREADABLE, got ${String(error)}`);
  return found as NonceUnreadableError;
}

describe('readNonceState as a cloud image default user (non-root, sudo)', () => {
  it('reads the root-owned 0600 nonce through sudo: absent, another, ours', async (t) => {
    const host = await cloudImageHost(t);
    if (host === undefined) return;
    const check = await login(t, host, 'debian');
    assert.equal((await check.connection.exec({ command: 'id -un' })).stdout.toString().trim(), 'debian', 'the session is the default user');
    assert.equal(await readNonceState(check), 'absent');
    await host.writeNonce('other');
    const plain = await check.connection.exec({ command: `cat "$ENVBOOT_ROOT${nonceFile}"` });
    assert.notEqual(plain.exitCode, 0, 'the default user cannot read the nonce without sudo, as on a cloud');
    assert.equal(await readNonceState(check), 'mismatch');
    await host.writeNonce('abc123');
    assert.equal(await readNonceState(check), 'match');
  });

  it('waits on the machine for a nonce that is not there yet, answering in the same command once it appears', async (t) => {
    const host = await cloudImageHost(t);
    if (host === undefined) return;
    const check = await login(t, host, 'debian');
    setTimeout(() => void host.writeNonce('abc123'), 300);
    assert.equal(await readNonceState({ ...check, waitMs: 10_000 }), 'match');
    assert.equal(await readNonceState({ ...check, nonce: 'other', waitMs: 10_000 }), 'mismatch');
  });

  it('reads through sudo, waiting there too, when a directory the user cannot search hides the nonce', async (t) => {
    const host = await cloudImageHost(t);
    if (host === undefined) return;
    const dir = path.join(host.root, 'var/lib/envboot');
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o700);
    const check = await login(t, host, 'debian');
    assert.equal(await readNonceState(check), 'absent', 'hidden and missing: absent, not an error');
    setTimeout(() => void host.writeNonce('abc123'), 300);
    assert.equal(await readNonceState({ ...check, waitMs: 10_000 }), 'match');
  });

  it("stops at once when cloud-init's forced command refuses root, naming the user to log in as", async (t) => {
    const host = await cloudImageHost(t);
    if (host === undefined) return;
    await host.writeNonce('abc123');
    const check = await login(t, host, 'root');
    const started = Date.now();
    const error = await refusal(check);
    assert.ok(Date.now() - started < 5_000, 'not after the forced command’s 10 s pause');
    assert.equal(error.reason, 'login-refused');
    assert.equal(error.suggestedUser, 'debian');
    assert.match(error.message, /as root/);
    assert.match(error.message, /log in as debian instead/);
    assert.ok(!error.message.includes('abc123'), 'the nonce never appears in a message');
  });

  it('names sudo when the default user has no passwordless sudo, or no sudo at all', async (t) => {
    for (const [sudo, reason, words] of [
      ['password', 'sudo-refused', /cannot use sudo without a password \(sudo: a password is required\)/],
      ['missing', 'no-sudo', /sudo is not installed/],
    ] as const) {
      const host = await cloudImageHost(t, sudo);
      if (host === undefined) return;
      await host.writeNonce('abc123');
      const error = await refusal(await login(t, host, 'debian'));
      assert.equal(error.reason, reason, sudo);
      assert.equal(error.user, 'debian');
      assert.equal(error.file, nonceFile);
      assert.match(error.message, words);
      assert.match(error.message, /\/var\/lib\/envboot\/nonce as debian/);
    }
  });
});

describe('waitSSH on a machine whose nonce cannot be read', () => {
  it('fails at once with SSH_NONCE_UNREADABLE instead of waiting out its deadline', async (t) => {
    const host = await cloudImageHost(t, 'password');
    if (host === undefined) return;
    await host.writeNonce('abc123');
    const started = Date.now();
    const error = await waitSSH({
      instance: scriptedInstance({ status: 'running', addresses: [loopback(host)] }),
      user: 'debian',
      privateKey: client.privateKey,
      hostKeys: [host.hostPublicKey],
      nonce: 'abc123',
      timeoutMs: 60_000,
    }).then(
      () => assert.fail('the wait should fail'),
      (e: unknown) => e,
    );
    assert.ok(isNonceUnreadable(error), String(error));
    assert.ok(Date.now() - started < 10_000, 'it stopped long before the deadline');
  });

  it('proves the machine as the default user when sudo works', async (t) => {
    const host = await cloudImageHost(t);
    if (host === undefined) return;
    setTimeout(() => void host.writeNonce('abc123'), 200);
    const result = await waitSSH({
      instance: scriptedInstance({ status: 'running', addresses: [loopback(host)] }),
      user: 'debian',
      privateKey: client.privateKey,
      hostKeys: [host.hostPublicKey],
      nonce: 'abc123',
      timeoutMs: 30_000,
    });
    result.connection.close();
    assert.equal(result.connection.user, 'debian');
  });
});
