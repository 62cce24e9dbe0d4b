import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StateCorruptError } from '../../errors/index.js';
import { writeFileAtomically } from './write-atomically.js';
import { parseJsonObject } from '../../util/json-object.js';

/**
 * What this client remembers of an environment, in `<environment dir>/environment.json`:
 * its UUID (the ownership tag every resource carries), the provider it lives on, and
 * when it was bootstrapped from here. provider-state is the source of truth; this record
 * lets later commands find it, and `destroy` find tagged leftovers of a crashed
 * bootstrap, whose UUID exists nowhere else.
 */
export interface EnvironmentRecord {
  readonly name: string;
  readonly uuid: string;
  readonly provider: string;
  readonly createdAt: string;
  readonly bootstrappedAt?: string;
  /** Present when this client attached the environment (`envboot attach`) instead of bootstrapping it. */
  readonly attachment?: EnvironmentAttachment;
}

/**
 * How an attached environment is found again by every later command, when
 * environments.yaml does not define it: the provider options `attach` was given, and for
 * a provider whose provider-state lives on this host, the data directory of the client
 * that bootstrapped it.
 */
export interface EnvironmentAttachment {
  readonly attachedAt: string;
  /** Where provider-state was found (the storage's description): an environments.yaml entry must agree. */
  readonly location: string;
  /** The provider options, as environments.yaml's `options:` would hold them (kebab-case keys). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The provider's data directory (local, qemu, manual): `<that client's environment dir>/provider`. */
  readonly dataDir?: string;
}

const fileName = 'environment.json';

/** Where the record of the environment whose directory is `dir` lives. */
export function environmentRecordFile(dir: string): string {
  return path.join(dir, fileName);
}

/** The record in `dir`, or undefined when there is none. A malformed one is STATE_CORRUPT. */
export async function readEnvironmentRecord(dir: string): Promise<EnvironmentRecord | undefined> {
  const file = environmentRecordFile(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const record = parseRecord(text);
  if (record === undefined) {
    throw new StateCorruptError(
      `the local record ${file} is not valid: remove it (envboot finds the environment again from provider-state) and retry`,
    );
  }
  return record;
}

/** Writes the record atomically (temp file and rename), creating `dir` 0700. */
export async function writeEnvironmentRecord(dir: string, record: EnvironmentRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomically(environmentRecordFile(dir), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Records a new environment unless a record already exists (another bootstrap of the same
 * name from this client got there first): the record in force and whether this call
 * created it. Exclusive creation, so two concurrent bootstraps share one UUID and the
 * loser of the provider-state claim fails cleanly instead of recording a second one.
 */
export async function createEnvironmentRecord(dir: string, record: EnvironmentRecord): Promise<{ record: EnvironmentRecord; created: boolean }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(environmentRecordFile(dir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return { record, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = await readEnvironmentRecord(dir);
    if (existing === undefined) throw error;
    return { record: existing, created: false };
  }
}

/** Forgets an environment on this client: its whole directory (records, key, provider data). */
export async function forgetEnvironment(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A record for an environment this client is about to bootstrap for the first time. */
export function newEnvironmentRecord(params: { name: string; provider: string; uuid?: string }): EnvironmentRecord {
  return { name: params.name, uuid: params.uuid ?? randomUUID(), provider: params.provider, createdAt: new Date().toISOString() };
}

function parseRecord(text: string): EnvironmentRecord | undefined {
  const record = parseJsonObject(text);
  if (record === undefined) return undefined;
  const { name, uuid, provider, createdAt, bootstrappedAt } = record;
  if (typeof name !== 'string' || typeof uuid !== 'string' || typeof provider !== 'string' || typeof createdAt !== 'string') return undefined;
  const attachment = record['attachment'] === undefined ? undefined : parseAttachment(record['attachment']);
  if (attachment === null) return undefined;
  return { name, uuid, provider, createdAt, ...(typeof bootstrappedAt === 'string' ? { bootstrappedAt } : {}), ...(attachment === undefined ? {} : { attachment }) };
}

/** The attachment, or null when it is malformed (the whole record is then invalid: guessing where the environment lives is worse). */
function parseAttachment(value: unknown): EnvironmentAttachment | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { attachedAt, location, options, dataDir } = value as Record<string, unknown>;
  if (typeof attachedAt !== 'string' || typeof location !== 'string') return null;
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) return null;
  if (dataDir !== undefined && typeof dataDir !== 'string') return null;
  return {
    attachedAt,
    location,
    ...(options === undefined ? {} : { options: options as Record<string, unknown> }),
    ...(dataDir === undefined ? {} : { dataDir }),
  };
}
