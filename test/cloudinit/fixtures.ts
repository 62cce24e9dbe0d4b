import { generateSshKeyPair } from '../../src/index.js';

/** A real ed25519 key pair in the formats cloud-config `ssh_keys` takes. */
export function hostKeyPair(): { privateKey: string; publicKey: string } {
  return generateSshKeyPair({ comment: 'envboot-test' });
}

export const armoredKey = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mDMEZb1RshYJKwYBBAHaRw8BAQdAexampleexampleexampleexampleexample0=',
  '=abcd',
  '-----END PGP PUBLIC KEY BLOCK-----',
  '',
].join('\n');
