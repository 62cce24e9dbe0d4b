import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import type { Ec2JumpHost } from '../../../providers/ec2/index.js';
import { resolveJumpRoute } from '../../../providers/ec2/jump-route.js';
import { ErrorCode, generateSshKeyPair } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

// test/run-tests.js points HOME at a temporary directory; refuse to run against a real one.
const home = homedir();
assert.ok(home.startsWith(`${tmpdir()}${path.sep}`), `HOME ${home} is not under ${tmpdir()}: run the tests with test/run-tests.js`);
const sshDir = path.join(home, '.ssh');
const knownHosts = path.join(sshDir, 'known_hosts');
after(() => rm(sshDir, { recursive: true, force: true }));

const bastionKey = generateSshKeyPair({ comment: 'bastion-host-key' });
const otherKey = generateSshKeyPair({ comment: 'other-host-key' });
const identity = generateSshKeyPair({ comment: 'jump-identity' });
/** A public key as known_hosts and the route carry it: `type base64`, no comment. */
const keyOnly = (publicKey: string): string => publicKey.split(' ').slice(0, 2).join(' ');

const jump = (fields: Partial<Ec2JumpHost> = {}): Ec2JumpHost => ({ user: 'jump', host: 'bastion.example.com', port: 2222, ...fields });

/** OpenSSH's hashed host field (`ssh-keygen -H`): `|1|salt|HMAC-SHA1(salt, name)`. */
function hashedHost(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

async function writeKnownHosts(lines: readonly string[]): Promise<void> {
  await mkdir(sshDir, { recursive: true, mode: 0o700 });
  await writeFile(knownHosts, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** Checks a CONFIG_INVALID failure and that no message in its chain holds key material. */
function configInvalid(check: (message: string) => void): (error: Error) => boolean {
  return (error) => {
    assert.equal((error as { code?: unknown }).code, ErrorCode.ConfigInvalid, error.message);
    for (let current: unknown = error; current instanceof Error; current = current.cause) {
      assert.doesNotMatch(current.message, /PRIVATE KEY/);
      assert.ok(!current.message.includes(identity.privateKey.split('\n')[1] ?? '-'), 'no private key material in the message');
    }
    check(error.message);
    return true;
  };
}

describe('ec2 provider: the SSH route through the jump host', () => {
  beforeEach(() => rm(sshDir, { recursive: true, force: true }));

  it('is direct on every address without a jump host, or on private addresses only when told to', async () => {
    assert.deepEqual(await resolveJumpRoute({ privateAddressesOnly: false }), {});
    assert.deepEqual(await resolveJumpRoute({ privateAddressesOnly: true }), { scopes: ['cloud-local'] });
  });

  it('uses the configured host-key as is, without reading known_hosts', async () => {
    await writeKnownHosts([`[bastion.example.com]:2222 ${keyOnly(otherKey.publicKey)}`]);
    const route = await resolveJumpRoute({ jumpHost: jump({ hostKey: keyOnly(bastionKey.publicKey) }), privateAddressesOnly: true });
    assert.deepEqual(route, {
      jumpHost: { host: 'bastion.example.com', port: 2222, user: 'jump', hostKeys: [keyOnly(bastionKey.publicKey)] },
      scopes: ['cloud-local'],
    });
  });

  it('takes the key known_hosts pins for [host]:port, plain or hashed, and no other host’s', async () => {
    await writeKnownHosts([
      '# keys of the bastion',
      `bastion.example.com ${keyOnly(otherKey.publicKey)}`,
      `[bastion.example.com]:2200 ${keyOnly(otherKey.publicKey)}`,
      `${hashedHost('[bastion.example.com]:2222')} ${keyOnly(bastionKey.publicKey)}`,
      `@revoked [bastion.example.com]:2222 ${keyOnly(otherKey.publicKey)}`,
    ]);
    const route = await resolveJumpRoute({ jumpHost: jump(), privateAddressesOnly: false });
    assert.deepEqual(route, { jumpHost: { host: 'bastion.example.com', port: 2222, user: 'jump', hostKeys: [keyOnly(bastionKey.publicKey)] } });
  });

  it('matches the bare host name on port 22, plain among other names', async () => {
    await writeKnownHosts([`other.example.com,bastion.example.com ${keyOnly(bastionKey.publicKey)}`]);
    const route = await resolveJumpRoute({ jumpHost: jump({ port: 22 }), privateAddressesOnly: false });
    assert.deepEqual(route.jumpHost?.hostKeys, [keyOnly(bastionKey.publicKey)]);
  });

  it('refuses a jump host whose key is known nowhere, naming ssh-keyscan', async () => {
    await writeKnownHosts([`${hashedHost('[bastion.example.com]:2200')} ${keyOnly(otherKey.publicKey)}`]);
    const check = configInvalid((message) => {
      assert.match(message, /jump@bastion\.example\.com:2222/);
      assert.match(message, /host-key/);
      assert.match(message, /ssh-keyscan -p 2222 bastion\.example\.com/);
    });
    await assert.rejects(resolveJumpRoute({ jumpHost: jump(), privateAddressesOnly: false }), check);
    await rm(sshDir, { recursive: true, force: true });
    await assert.rejects(resolveJumpRoute({ jumpHost: jump(), privateAddressesOnly: false }), check, 'no known_hosts file at all');
  });

  it('reads the identity file, expanding ~/ to the home directory', async () => {
    await mkdir(sshDir, { recursive: true, mode: 0o700 });
    const file = path.join(sshDir, 'jump_ed25519');
    await writeFile(file, identity.privateKey, { mode: 0o600 });
    const route = await resolveJumpRoute({ jumpHost: jump({ hostKey: keyOnly(bastionKey.publicKey), identityFile: '~/.ssh/jump_ed25519' }), privateAddressesOnly: false });
    assert.equal(route.jumpHost?.privateKey, identity.privateKey);
    assert.equal(route.jumpHost.identityFile, file);
  });

  it('reads an absolute identity file path as given', async () => {
    const file = path.join(await tempDir('envboot-jump-'), 'key');
    await writeFile(file, identity.privateKey, { mode: 0o600 });
    const route = await resolveJumpRoute({ jumpHost: jump({ hostKey: keyOnly(bastionKey.publicKey), identityFile: file }), privateAddressesOnly: false });
    assert.equal(route.jumpHost?.identityFile, file);
    assert.equal(route.jumpHost.privateKey, identity.privateKey);
  });

  it('refuses a missing or unreadable identity file, naming the expanded path and never the key', async () => {
    const missing = path.join(home, '.ssh', 'no-such-key');
    await assert.rejects(
      resolveJumpRoute({ jumpHost: jump({ hostKey: keyOnly(bastionKey.publicKey), identityFile: '~/.ssh/no-such-key' }), privateAddressesOnly: false }),
      configInvalid((message) => {
        assert.ok(message.includes(missing), message);
        assert.match(message, /ENOENT/);
        assert.match(message, /identity-file/);
        assert.doesNotMatch(message, /~\//);
      }),
    );
    const directory = await tempDir('envboot-jump-');
    await assert.rejects(
      resolveJumpRoute({ jumpHost: jump({ hostKey: keyOnly(bastionKey.publicKey), identityFile: directory }), privateAddressesOnly: false }),
      configInvalid((message) => {
        assert.ok(message.includes(directory), message);
        assert.match(message, /EISDIR/);
      }),
    );
  });
});
