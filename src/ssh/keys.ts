import { createHash } from 'node:crypto';
import { chmod, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { ConfigError } from '../errors/index.js';
import { generateEd25519OpenSsh } from './openssh-format.js';

/** An SSH key pair in OpenSSH formats: what `ssh-keygen -t ed25519` writes. */
export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----…`; a secret: never log it. */
  readonly privateKey: string;
  /** One `authorized_keys` line: `ssh-ed25519 AAAA… comment`. */
  readonly publicKey: string;
}

/**
 * Generates an ed25519 key pair: the client key of an environment, or a machine's host
 * key for cloud-config `ssh_keys`.
 *
 * @example
 * const { privateKey, publicKey } = generateSshKeyPair({ comment: 'envboot prod' });
 */
export function generateSshKeyPair(params: { comment?: string } = {}): SshKeyPair {
  return generateEd25519OpenSsh(params.comment ?? 'envboot');
}

/**
 * Writes a private key file with mode 0600 (created so, never world-readable for an
 * instant), replacing any file there; its directory is created 0700 if missing.
 */
export async function writePrivateKeyFile(params: { file: string; privateKey: string }): Promise<void> {
  await mkdir(path.dirname(params.file), { recursive: true, mode: 0o700 });
  const handle = await open(params.file, 'w', 0o600);
  try {
    await handle.writeFile(params.privateKey.endsWith('\n') ? params.privateKey : `${params.privateKey}\n`);
  } finally {
    await handle.close();
  }
  await chmod(params.file, 0o600);
}

/** The key blob of an OpenSSH public key line (`type base64 [comment]`), for pinning. */
export function publicKeyBlob(publicKey: string): Buffer {
  const parsed = ssh2.utils.parseKey(publicKey.trim());
  if (parsed instanceof Error) {
    throw new ConfigError(`not an OpenSSH public key: ${parsed.message}; expected "ssh-ed25519 AAAA… comment"`, {
      cause: parsed,
    });
  }
  return parsed.getPublicSSH();
}

/** `SHA256:…`, as `ssh-keygen -l` prints it, for messages about host keys. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
