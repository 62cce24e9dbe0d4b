import { link, rename, rm } from 'node:fs/promises';
import { generateSshKeyPair, writePrivateKeyFile, type SshKeyPair } from '../../ssh/index.js';
import { clientKeyFile, readKeyPairFile } from './client-key.js';
import { temporaryNameFor, writeFileAtomically } from './write-atomically.js';

/**
 * A rotation of the client key, as the files beside `client-key` record it, so that a
 * rotation cut short (Ctrl-C, a crash, a machine that could not be reached) is finished
 * or undone by the next run:
 *
 * - `client-key.next` (0600, with `.pub`): the new key, being authorized; `client-key` is
 *   still the old one and still logs in everywhere.
 * - `client-key.previous` (0600, with `.pub`): the old key, being removed; `client-key`
 *   is already the new one, proven on every machine.
 */
export interface ClientKeyRotation {
  readonly next: SshKeyPair | undefined;
  readonly previous: SshKeyPair | undefined;
}

export function nextKeyFile(dir: string): string {
  return `${clientKeyFile(dir)}.next`;
}

export function previousKeyFile(dir: string): string {
  return `${clientKeyFile(dir)}.previous`;
}

/** The rotation the files beside `client-key` record (nothing pending: both undefined). */
export async function readClientKeyRotation(dir: string): Promise<ClientKeyRotation> {
  return { next: await readKeyPairFile(nextKeyFile(dir)), previous: await readKeyPairFile(previousKeyFile(dir)) };
}

/** The pending new key, generated and written (0600, then its `.pub`) when there is none yet. */
export async function ensureNextClientKey(params: { dir: string; comment: string }): Promise<SshKeyPair> {
  const file = nextKeyFile(params.dir);
  const existing = await readKeyPairFile(file);
  if (existing !== undefined) return existing;
  const pair = generateSshKeyPair({ comment: params.comment });
  await writeFileAtomically(`${file}.pub`, `${pair.publicKey}\n`, 0o644);
  const temporary = temporaryNameFor(file);
  await writePrivateKeyFile({ file: temporary, privateKey: pair.privateKey });
  try {
    await link(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  return pair;
}

/**
 * Makes the pending new key the client key: the old one is kept as `client-key.previous`
 * first (0600), then `client-key.next` is renamed over `client-key` (atomic: a
 * reader sees the old key or the new, never a part) and `client-key.pub` rewritten.
 * A crash between the rename and the `.pub` leaves a `.pub` of the old key, which
 * `readClientKey` notices and ignores.
 */
export async function switchToNextClientKey(params: { dir: string; next: SshKeyPair; current: SshKeyPair }): Promise<void> {
  const file = clientKeyFile(params.dir);
  const previous = previousKeyFile(params.dir);
  await writeFileAtomically(`${previous}.pub`, `${params.current.publicKey}\n`, 0o644);
  const temporary = temporaryNameFor(previous);
  try {
    await writePrivateKeyFile({ file: temporary, privateKey: params.current.privateKey });
    await rename(temporary, previous);
  } finally {
    await rm(temporary, { force: true });
  }
  await rename(nextKeyFile(params.dir), file);
  await writeFileAtomically(`${file}.pub`, `${params.next.publicKey}\n`, 0o644);
  await rm(`${nextKeyFile(params.dir)}.pub`, { force: true });
}

/** Forgets the old key once it is gone from every machine and provider-state. */
export async function forgetPreviousClientKey(dir: string): Promise<void> {
  await rm(previousKeyFile(dir), { force: true });
  await rm(`${previousKeyFile(dir)}.pub`, { force: true });
}

/** Forgets a pending new key (an undone rotation). */
export async function forgetNextClientKey(dir: string): Promise<void> {
  await rm(nextKeyFile(dir), { force: true });
  await rm(`${nextKeyFile(dir)}.pub`, { force: true });
}
