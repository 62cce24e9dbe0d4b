import { readdir, stat } from 'node:fs/promises';
import { machineRecordFile, type LocalLayout } from './layout.js';

/**
 * Ids of the machines that have a record under `machines/`, sorted. A directory without
 * a record is a machine half-removed, not a machine. Read by the CLI side too, so that
 * listing an environment with no machines never starts an agent.
 */
export async function machineIds(layout: LocalLayout): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(layout.machines);
  } catch {
    return [];
  }
  const found = await Promise.all(
    entries.map(async (id) => {
      try {
        return (await stat(machineRecordFile(layout, id))).isFile() ? id : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((id): id is string => id !== undefined).sort();
}
