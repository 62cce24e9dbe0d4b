import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { ConfigError } from '../../errors/index.js';
import { generateSshKeyPair, keyLineFields, writePrivateKeyFile, type SshKeyPair } from '../../ssh/index.js';
import { temporaryNameFor } from './write-atomically.js';

/** Where an environment's client key lives: OpenSSH's own file names, usable with `ssh -i`. */
export function clientKeyFile(dir: string): string {
  return path.join(dir, 'client-key');
}

/**
 * The environment's client key: read from `<dir>/client-key`, or generated and written
 * there (0600, with `client-key.pub`) when there is none yet. One key per environment and
 * client, as Juju does, so that leaking one environment's key opens no other. Creation is
 * exclusive: when two bootstraps race, both end up with the one key that was written.
 */
export async function ensureClientKey(params: { dir: string; environment: string; comment?: string | undefined }): Promise<SshKeyPair> {
  const existing = await readClientKey(params.dir);
  if (existing !== undefined) return existing;
  // The comment is the label an operator knows the key by in authorized_keys (`envboot attach --label`).
  const pair = generateSshKeyPair({ comment: params.comment ?? `envboot-${params.environment}` });
  const file = clientKeyFile(params.dir);
  const temporary = temporaryNameFor(file);
  await writePrivateKeyFile({ file: temporary, privateKey: pair.privateKey });
  try {
    // link() never replaces: the complete file appears at once, or someone else's stays.
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readClientKey(params.dir)) ?? pair;
  } finally {
    await rm(temporary, { force: true });
  }
  await writeFile(`${file}.pub`, `${pair.publicKey}\n`, { mode: 0o644 });
  return pair;
}

/**
 * The stored client key, or undefined when there is none. A private key others can read
 * is refused, as OpenSSH refuses it, rather than used or silently "fixed". The public
 * half is derived from the private key when `client-key.pub` is missing, or names another
 * key (a rotation cut short between replacing the one and the other).
 */
export function readClientKey(dir: string): Promise<SshKeyPair | undefined> {
  return readKeyPairFile(clientKeyFile(dir));
}

/** A key pair stored as OpenSSH stores one (`FILE`, 0600, and `FILE.pub`); undefined when `FILE` does not exist. */
export async function readKeyPairFile(file: string): Promise<SshKeyPair | undefined> {
  let privateKey: string;
  try {
    privateKey = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(`the client key ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); run "chmod 600 ${file}" and retry`);
  }
  const derived = publicKeyOf(privateKey, file);
  const stored = (await readFile(`${file}.pub`, 'utf8').catch(() => '')).trim();
  const sameKey = keyLineFields(stored).key === keyLineFields(derived).key;
  return { privateKey, publicKey: sameKey ? stored : derived };
}

function publicKeyOf(privateKey: string, file: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new ConfigError(`the client key ${file} is not an OpenSSH private key (${parsed.message}); restore it from a backup`, { cause: parsed });
  }
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')} ${parsed.comment}`.trim();
}

/** Removes the client key pair (both halves); missing files are fine. */
export async function forgetClientKey(dir: string): Promise<void> {
  const file = clientKeyFile(dir);
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
}
