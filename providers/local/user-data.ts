import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { isOwnedBy, throwIfCancelled, type EnvironmentIdentity } from '../../src/index.js';
import { instanceIdPattern, machineRecordFile, machineUserDataFile, type LocalLayout } from './layout.js';

export interface ReadLocalUserDataParams {
  readonly layout: LocalLayout;
  readonly environment: EnvironmentIdentity;
  readonly id: string;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The user-data a local machine was started with, read from this host's files without the
 * agent: `machines/<id>/user-data`, which the agent writes as it accepts the machine and
 * keeps until the machine is removed. A machine started by an agent that kept no such file
 * still has the record's copy until its first boot has applied it. Undefined for a machine
 * that is not this environment's, no longer exists, or whose user-data is gone.
 */
export async function readLocalUserData(params: ReadLocalUserDataParams): Promise<Uint8Array | undefined> {
  const { layout, id } = params;
  throwIfCancelled(params.signal, `reading the user-data of ${id}`);
  if (!instanceIdPattern.test(id)) return undefined;
  const record = await readRecord(machineRecordFile(layout, id));
  if (record === undefined || typeof record.tags !== 'object' || !isOwnedBy(record.tags, params.environment)) return undefined;
  try {
    return new Uint8Array(await readFile(machineUserDataFile(layout, id)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return typeof record.userData === 'string' ? new Uint8Array(Buffer.from(record.userData, 'base64')) : undefined;
}

async function readRecord(file: string): Promise<{ tags?: Record<string, string>; userData?: unknown } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { tags?: Record<string, string>; userData?: unknown };
  } catch {
    return undefined;
  }
}
