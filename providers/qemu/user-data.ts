import { readFile, writeFile } from 'node:fs/promises';
import { isOwnedBy, throwIfCancelled, type EnvironmentIdentity } from '../../src/index.js';
import { machineFiles, type MachineFiles, type QemuLayout } from './layout.js';
import { readRecord } from './machine-record.js';

/**
 * Keeps the machine's user-data, byte for byte, beside its seed (0600: it holds the host
 * private key), for as long as the machine's directory: a plain file reads back without
 * taking the seed ISO apart.
 */
export async function keepUserData(params: { readonly files: Pick<MachineFiles, 'userData'>; readonly userData: Uint8Array }): Promise<void> {
  await writeFile(params.files.userData, params.userData, { mode: 0o600, flag: 'wx' });
}

export interface ReadQemuUserDataParams {
  readonly layout: QemuLayout;
  readonly environment: EnvironmentIdentity;
  readonly id: string;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The user-data a qemu machine was started with (the user-data ability), as `keepUserData`
 * kept it. Undefined when the machine is not this environment's, no longer exists, or has
 * no copy (made before copies were kept, or removed halfway).
 */
export async function readQemuUserData(params: ReadQemuUserDataParams): Promise<Uint8Array | undefined> {
  throwIfCancelled(params.signal, `reading the user-data of ${params.id}`);
  const record = await readRecord(params.layout, params.id);
  if (record === undefined || !isOwnedBy(record.tags, params.environment)) return undefined;
  try {
    return new Uint8Array(await readFile(machineFiles(params.layout, params.id).userData));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
