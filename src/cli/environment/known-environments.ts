import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentsFile } from '../config/environments-file.js';
import { readEnvironmentRecord, type EnvironmentRecord } from '../records/environment-record.js';

/** The environments this client has records of, by name. Unreadable records are skipped. */
export async function recordedEnvironments(dataRoot: string): Promise<Map<string, EnvironmentRecord>> {
  const root = path.join(dataRoot, 'environments');
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const records = new Map<string, EnvironmentRecord>();
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const record = await readEnvironmentRecord(path.join(root, entry.name)).catch(() => undefined);
    if (record !== undefined) records.set(entry.name, record);
  }
  return records;
}

/** Every environment name this client knows: defined in the file or recorded here, sorted. */
export async function knownEnvironmentNames(params: { file: EnvironmentsFile; dataRoot: string }): Promise<string[]> {
  const recorded = await recordedEnvironments(params.dataRoot);
  return [...new Set([...params.file.names, ...recorded.keys()])].sort();
}
