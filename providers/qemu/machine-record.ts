import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { Hardware } from '../../src/index.js';
import { instanceIdPattern, machineFiles, type QemuLayout } from './layout.js';

/** What one machine's `machine.json` holds: all a later process needs to list, reach and stop it. */
export interface MachineRecord {
  readonly id: string;
  readonly environmentUuid: string;
  readonly machineId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly zone: string;
  readonly hardware: Hardware;
  readonly accel: 'kvm' | 'tcg';
  /** The loopback address and port forwarded to the machine's port 22. */
  readonly ssh: { readonly host: string; readonly port: number };
  readonly createdAt: string;
  /** QEMU's pid and start time (clock ticks after boot); absent until QEMU runs. */
  readonly process?: { readonly pid: number; readonly startTime: number };
}

/**
 * Creates `<machines>/<id>/` (0700, as are `machines/` and the data directory) and writes
 * the first record. The directory must not exist yet: ids are never reused.
 */
export async function createMachineDir(layout: QemuLayout, record: MachineRecord): Promise<void> {
  for (const dir of [layout.dataDir, layout.machines]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await mkdir(machineFiles(layout, record.id).dir, { mode: 0o700 });
  await writeRecord(layout, record);
}

/** Replaces the record atomically (write and rename), 0600. */
export async function writeRecord(layout: QemuLayout, record: MachineRecord): Promise<void> {
  const file = machineFiles(layout, record.id).record;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** The record of `id`; undefined when there is none (never made, or removed), or it is unreadable. */
export async function readRecord(layout: QemuLayout, id: string): Promise<MachineRecord | undefined> {
  if (!instanceIdPattern.test(id)) return undefined;
  try {
    const parsed = JSON.parse(await readFile(machineFiles(layout, id).record, 'utf8')) as Partial<MachineRecord>;
    return isRecord(parsed, id) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Every machine directory under `machines/`, by id, sorted; records may be missing from some (half-made or half-removed). */
export async function machineDirIds(layout: QemuLayout): Promise<string[]> {
  try {
    return (await readdir(layout.machines)).filter((entry) => instanceIdPattern.test(entry)).sort();
  } catch {
    return [];
  }
}

/** Every readable record, sorted by id. */
export async function readRecords(layout: QemuLayout): Promise<MachineRecord[]> {
  const records = await Promise.all((await machineDirIds(layout)).map((id) => readRecord(layout, id)));
  return records.filter((record): record is MachineRecord => record !== undefined);
}

function isRecord(value: Partial<MachineRecord>, id: string): value is MachineRecord {
  return (
    value.id === id &&
    typeof value.environmentUuid === 'string' &&
    typeof value.zone === 'string' &&
    typeof value.ssh?.port === 'number' &&
    typeof value.tags === 'object'
  );
}
