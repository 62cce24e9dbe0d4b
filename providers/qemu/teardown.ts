import { rmdir } from 'node:fs/promises';
import { messageOf, throwIfCancelled, type EnvironmentIdentity, type TeardownResult } from '../../src/index.js';
import type { QemuLayout } from './layout.js';
import { machineDirIds } from './machine-record.js';
import { removeMachine } from './remove-machine.js';

type Failure = TeardownResult['failures'][number];

/**
 * Removes every machine the environment left under its data directory, running or not
 * (a QEMU that exited, a start that was interrupted): each QEMU is ended by its checked
 * pid, each machine directory removed. Then `machines/` goes, and the data directory too
 * when nothing else is in it (storage/ is common code's to remove). Best-effort and
 * idempotent: a machine that cannot be removed is reported and kept, the rest carry on.
 */
export async function tearDownQemu(params: { layout: QemuLayout; environment: EnvironmentIdentity; signal?: AbortSignal | undefined }): Promise<TeardownResult> {
  const { layout } = params;
  throwIfCancelled(params.signal, 'tearing down the qemu environment');
  const removed: string[] = [];
  const failures: Failure[] = [];
  for (const id of await machineDirIds(layout)) {
    throwIfCancelled(params.signal, 'tearing down the qemu environment');
    try {
      if ((await removeMachine({ layout, id, environmentUuid: params.environment.uuid })) === 'removed') removed.push(`machine ${id}`);
    } catch (error) {
      failures.push({ resource: `machine ${id}`, error: error instanceof Error ? error : new Error(messageOf(error)) });
    }
  }
  for (const dir of [layout.machines, layout.dataDir]) {
    try {
      await rmdir(dir);
    } catch (error) {
      // Missing is done; not empty is someone else's (storage/, a machine that stayed).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') failures.push({ resource: dir, error: error as Error });
    }
  }
  return { removed, failures };
}
