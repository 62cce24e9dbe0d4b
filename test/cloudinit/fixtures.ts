import { generateKeyPairSync } from 'node:crypto';

/** A real ed25519 key pair in the formats cloud-config `ssh_keys` takes. */
export function hostKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.concat([u32(type.length), type, u32(raw.length), raw]);
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: `ssh-ed25519 ${blob.toString('base64')} envboot-test`,
  };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export const armoredKey = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mDMEZb1RshYJKwYBBAHaRw8BAQdAexampleexampleexampleexampleexample0=',
  '=abcd',
  '-----END PGP PUBLIC KEY BLOCK-----',
  '',
].join('\n');
