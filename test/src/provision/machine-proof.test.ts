import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { renderUserData } from '../../../cloudinit/index.js';
import { generateSshKeyPair, machineUserData, proofFromUserData } from '../../../src/index.js';

const client = generateSshKeyPair({ comment: 'client' });
const privateKey = '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n';

function text(body: string): Uint8Array {
  return Buffer.from(body, 'utf8');
}

describe('proofFromUserData', () => {
  for (const gzip of [true, false]) {
    it(`reads the host public key and the nonce from envboot's user-data (gzip ${gzip})`, () => {
      const made = machineUserData({ clientPublicKey: client.publicKey, machineId: '3', capabilities: { maxUserDataBytes: 16_384, userDataGzip: gzip } });
      const proof = proofFromUserData(made.userData);
      assert.deepEqual(proof, { hostKeys: [made.hostKey.publicKey.trim()], nonce: made.nonce });
    });
  }

  it('never returns the host private key', () => {
    const made = machineUserData({ clientPublicKey: client.publicKey, machineId: '1', capabilities: { maxUserDataBytes: 16_384, userDataGzip: true } });
    const proof = JSON.stringify(proofFromUserData(made.userData));
    assert.ok(!proof.includes('PRIVATE KEY'), 'no private key material');
    assert.ok(!proof.includes(made.hostKey.privateKey.split('\n')[1] ?? 'unreachable'));
  });

  it('reads base64 text of gzip, as clouds that store user-data encoded give it', () => {
    const made = machineUserData({ clientPublicKey: client.publicKey, machineId: '2', capabilities: { maxUserDataBytes: 16_384, userDataGzip: true } });
    const encoded = Buffer.from(Buffer.from(made.userData).toString('base64'), 'utf8');
    assert.deepEqual(proofFromUserData(encoded), { hostKeys: [made.hostKey.publicKey.trim()], nonce: made.nonce });
  });

  it('lists every public host key, and decodes an encoded nonce file', () => {
    const rsa = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 rsa-host';
    const ed = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake ed-host';
    const { body } = renderUserData(
      {
        ssh_keys: { rsa_private: privateKey, rsa_public: `${rsa}\n`, ed25519_public: ed, ed25519_private: privateKey },
        write_files: [{ path: '/var/lib/envboot/nonce', content: Buffer.from('  abc123\n').toString('base64'), encoding: 'b64' }],
      },
      { gzip: false },
    );
    assert.deepEqual(proofFromUserData(body), { hostKeys: [rsa, ed], nonce: 'abc123' });
  });

  it('gives host keys without a nonce when no nonce file is written', () => {
    const ed = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake ed-host';
    const { body } = renderUserData(
      {
        ssh_keys: { ed25519_private: privateKey, ed25519_public: ed },
        write_files: [
          { path: '/etc/motd', content: 'hi' },
          { path: '/var/lib/envboot/nonce', content: '  \n' },
        ],
      },
      { gzip: false },
    );
    assert.deepEqual(proofFromUserData(body), { hostKeys: [ed] });
    assert.deepEqual(proofFromUserData(gzipSync(body)), { hostKeys: [ed] }, 'gzip is undone');
  });

  const unprovable: [string, Uint8Array][] = [
    ['empty bytes', new Uint8Array()],
    ['a shell script', text('#!/bin/sh\necho hi\n')],
    ['not YAML', text('#cloud-config\n: : [\n')],
    ['no host key', text('#cloud-config\nwrite_files:\n  - path: /var/lib/envboot/nonce\n    content: abc\n')],
    ['only a private host key', text('#cloud-config\nssh_keys:\n  ed25519_private: secret\n')],
    ['a public host key without its pair (cloud-init would refuse it)', text('#cloud-config\nssh_keys:\n  ed25519_public: ssh-ed25519 AAAA x\n')],
    ['gzip garbage', Uint8Array.from([0x1f, 0x8b, 1, 2, 3])],
  ];
  for (const [name, bytes] of unprovable) {
    it(`is undefined for ${name}`, () => {
      assert.equal(proofFromUserData(bytes), undefined);
    });
  }
});
