import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { renderScript, renderUserData, type CloudConfig } from '../cloudinit/index.js';
import { measure, printTable } from './harness.js';

function openSshPublicKey(): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const u32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  return `ssh-ed25519 ${Buffer.concat([u32(type.length), type, u32(raw.length), raw]).toString('base64')} envboot`;
}

/** The minimal bootstrap user-data: client key, host key pair, nonce written last. */
export function minimalBootstrapConfig(): CloudConfig {
  const host = generateKeyPairSync('ed25519');
  return {
    ssh_authorized_keys: [openSshPublicKey()],
    ssh_keys: {
      ed25519_private: host.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      ed25519_public: openSshPublicKey(),
    },
    write_files: [{ path: '/var/lib/envboot/nonce', content: randomBytes(16).toString('hex'), permissions: '0600', defer: true }],
  };
}

export async function benchUserData(): Promise<void> {
  const config = minimalBootstrapConfig();
  const plain = renderUserData(config);
  const gzipped = renderUserData(config, { gzip: true });
  const encoded = renderUserData(config, { gzip: true, base64: true, maxBytes: 16_384 });
  console.log('\nminimal bootstrap user-data (client key, ed25519 host key pair, nonce last)');
  console.log(`  uncompressed ${plain.payloadBytes} bytes; gzip ${gzipped.payloadBytes} bytes; gzip+base64 ${encoded.body.byteLength} bytes; EC2 limit 16384`);

  const full: CloudConfig = {
    ...config,
    packages: ['nginx'],
    write_files: Array.from({ length: 50 }, (_, i) => ({ path: `/etc/app/${i}.conf`, content: randomBytes(2048).toString('base64') })),
    runcmd: Array.from({ length: 50 }, (_, i) => ['echo', `step ${i}`]),
  };
  printTable('rendering', [
    await measure({ name: 'renderUserData minimal, gzip+base64', runs: 200, run: () => renderUserData(config, { gzip: true, base64: true }) }),
    await measure({ name: 'renderScript, 50 files of 2 KiB + 50 commands', runs: 200, run: () => renderScript(full) }),
  ]);
}
