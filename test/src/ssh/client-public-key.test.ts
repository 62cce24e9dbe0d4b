import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { generateSshKeyPair, parseClientPublicKey } from '../../../src/index.js';

const ed25519 = generateSshKeyPair({ comment: 'ops@laptop' });
const ecdsa = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256, comment: 'ci' });
const rsa2048 = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 });
const rsa1024 = ssh2.utils.generateKeyPairSync('rsa', { bits: 1024 });

describe('parseClientPublicKey', () => {
  it('accepts ed25519, ecdsa and rsa of 2048 bits, and gives the key, comment and fingerprint as ssh-keygen -l prints it', () => {
    const parsed = parseClientPublicKey(`  ${ed25519.publicKey}\n`);
    const [type, data] = ed25519.publicKey.split(' ');
    assert.equal(parsed.type, 'ssh-ed25519');
    assert.equal(parsed.key, `${type} ${data}`);
    assert.equal(parsed.comment, 'ops@laptop');
    const expected = `SHA256:${createHash('sha256').update(Buffer.from(data ?? '', 'base64')).digest('base64').replace(/=+$/, '')}`;
    assert.equal(parsed.fingerprint, expected);
    assert.equal(parseClientPublicKey(ecdsa.public).type, 'ecdsa-sha2-nistp256');
    assert.equal(parseClientPublicKey(rsa2048.public).type, 'ssh-rsa');
    assert.equal(parseClientPublicKey(`# a .pub with a comment line\n${ed25519.publicKey}\n\n`).key, `${type} ${data}`);
  });

  const refused: [string, string, RegExp][] = [
    ['an OpenSSH private key', ed25519.privateKey, /is a private key; give the \.pub/],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE…\n-----END RSA PRIVATE KEY-----\n', /is a private key; give the \.pub/],
    ['authorized_keys options', `command="/bin/true",no-pty ${ed25519.publicKey}`, /authorized_keys options .*give the bare key line/],
    ['from= options', `from="10.0.0.0/8" ${ed25519.publicKey}`, /authorized_keys options/],
    ['an RSA key under 2048 bits', rsa1024.public, /RSA key of 1024 bits; OpenSSH refuses fewer than 2048/],
    ['a DSA key', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C2USZpRV1AIlH7WT2NWPq/xfW6MPbLm1Vs14E7 x', /DSA key, which OpenSSH no longer accepts/],
    ['damaged key data', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr9 x', /not a valid ssh-ed25519 public key/],
    ['key data of another type', `ssh-rsa ${ed25519.publicKey.split(' ')[1] ?? ''}`, /not a valid ssh-rsa public key/],
    ['not a key at all', 'hello world', /not an OpenSSH public key line/],
    ['nothing', '  \n', /is empty/],
    ['two keys', `${ed25519.publicKey}\n${ecdsa.public}`, /holds 2 lines; .*authorize each key on its own/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what} with CONFIG_INVALID naming the problem`, () => {
      assert.throws(() => parseClientPublicKey(text), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, message);
        assert.ok(!error.message.includes('OPENSSH PRIVATE KEY') && !error.message.includes(ed25519.privateKey.split('\n')[1] ?? '-'), 'no private key text in the message');
        return true;
      });
    });
  }
});
