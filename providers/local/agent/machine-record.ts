import { randomBytes } from 'node:crypto';
import { appendFile, open, readFile, rename, rm } from 'node:fs/promises';
import type { Address } from '../../../src/index.js';
import { machineRecordFile, type LocalLayout } from '../layout.js';
import { machineIds } from '../machine-ids.js';
import type { ProcessIdentity } from '../../../src/host/index.js';

/**
 * What the agent keeps about one machine, in `machines/<id>/machine.json` (mode 0600:
 * it holds the host private key), so that a restarted agent brings the machine back.
 */
export interface MachineRecord {
  readonly version: 1;
  readonly id: string;
  readonly environmentUuid: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly zone: string;
  readonly createdAt: string;
  status: 'pending' | 'running' | 'failed';
  statusMessage?: string;
  /** The public address first, then the cloud-local one; same port. */
  addresses: Address[];
  /** `ssh_keys.ed25519_private` from the user-data. */
  hostPrivateKey?: string;
  authorizedKeys: string[];
  /** The base64 user-data, kept only until the first boot has applied it. */
  userData?: string;
  firstBootDone: boolean;
  readonly bootDelayMs: number;
  /** Host directories hidden from the machine, besides the agent's data directory. */
  readonly hide?: readonly string[];
  /** The `unshare` process holding the machine, for an agent restart to adopt or to kill. */
  holder?: ProcessIdentity;
}

/** Writes the record atomically (temporary file, then rename), mode 0600; a failed write leaves no temporary file. */
export async function saveRecord(layout: LocalLayout, record: MachineRecord): Promise<void> {
  // No mkdir: the directory exists until the machine is removed, and a late write must not bring it back.
  const file = machineRecordFile(layout, record.id);
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    // It holds the host private key: no copy may stay behind (disk full, directory removed meanwhile).
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Every record under `machines/`; unreadable ones are reported through `onBroken` and skipped. */
export async function loadRecords(layout: LocalLayout, onBroken: (id: string, error: Error) => void): Promise<MachineRecord[]> {
  const ids = await machineIds(layout);
  const records: MachineRecord[] = [];
  for (const id of ids) {
    try {
      const record = JSON.parse(await readFile(machineRecordFile(layout, id), 'utf8')) as Partial<MachineRecord>;
      if (record.version !== 1 || record.id !== id) throw new Error(`unexpected record format in ${machineRecordFile(layout, id)}`);
      records.push(record as MachineRecord);
    } catch (error) {
      onBroken(id, error as Error);
    }
  }
  return records;
}

/**
 * A new instance id, `local-` and 8 random hex digits, never one this environment gave out
 * before (even for a machine long stopped): the ids handed out are kept in `used-ids`.
 */
export async function newInstanceId(layout: LocalLayout): Promise<string> {
  const used = new Set((await readFile(layout.usedIds, 'utf8').catch(() => '')).split('\n'));
  for (;;) {
    const id = `local-${randomBytes(4).toString('hex')}`;
    if (used.has(id)) continue;
    await appendFile(layout.usedIds, `${id}\n`, { mode: 0o600 });
    return id;
  }
}
