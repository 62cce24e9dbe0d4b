import { randomBytes } from 'node:crypto';
import { renderScript, renderUserData, type CloudConfig } from '../cloudinit/index.js';
import { generateSshKeyPair } from '../src/index.js';
import { measure, printTable } from './harness.js';

/** The minimal bootstrap user-data: client key, host key pair, nonce written last. */
export function minimalBootstrapConfig(): CloudConfig {
  const host = generateSshKeyPair({ comment: 'host' });
  return {
    ssh_authorized_keys: [generateSshKeyPair({ comment: 'client' }).publicKey],
    ssh_keys: { ed25519_private: host.privateKey, ed25519_public: host.publicKey },
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
