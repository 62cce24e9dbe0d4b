import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { TagKey, messageOf, throwIfCancelled } from '../../src/index.js';
import { machineFiles, type QemuLayout } from './layout.js';
import { readRecord } from './machine-record.js';
import { endProcess, machineProcess } from './qemu-process.js';

export interface RemoveMachineParams {
  readonly layout: QemuLayout;
  readonly id: string;
  readonly environmentUuid: string;
  readonly signal?: AbortSignal | undefined;
}

/** A machine this environment does not own: never stopped, never removed. */
export class NotOwnedError extends Error {
  constructor(id: string, owner: string) {
    super(`machine ${id} belongs to environment ${owner}, not this one: left alone`);
    this.name = 'NotOwnedError';
  }
}

/**
 * Stops a machine's QEMU (by its pid, only once it is checked to be that machine's QEMU)
 * and removes the machine's directory: overlay, seed, console log and record. Idempotent:
 * a machine already gone is `absent`. Files stay when QEMU will not die, so that a later
 * stop finds the machine again.
 */
export async function removeMachine(params: RemoveMachineParams): Promise<'removed' | 'absent'> {
  throwIfCancelled(params.signal, `stopping ${params.id}`);
  const files = machineFiles(params.layout, params.id);
  const record = await readRecord(params.layout, params.id);
  if (record === undefined && !existsSync(files.dir)) return 'absent';
  const owner = record?.tags[TagKey.EnvironmentUuid] ?? record?.environmentUuid;
  if (record !== undefined && owner !== params.environmentUuid) throw new NotOwnedError(params.id, owner ?? 'unknown');
  // Without a record (half made, half removed) the pid file alone names the process, and
  // only a QEMU whose argv names that very pid file passes the identity check.
  const running = machineProcess(record ?? {}, files);
  if (running !== undefined && !(await endProcess(running))) {
    throw new Error(`QEMU of machine ${params.id} (pid ${running.pid}) did not exit, even after SIGKILL; its files were kept`);
  }
  await rm(files.dir, { recursive: true, force: true, maxRetries: 2 });
  return 'removed';
}

/**
 * Removes each machine in turn (`removeMachine`), carrying on past failures, and then fails
 * naming every machine that could not be removed. Unknown ids are success.
 */
export async function removeMachines(params: Omit<RemoveMachineParams, 'id'> & { readonly ids: readonly string[] }): Promise<void> {
  throwIfCancelled(params.signal, 'stopping qemu machines');
  const failures: string[] = [];
  for (const id of new Set(params.ids)) {
    throwIfCancelled(params.signal, 'stopping qemu machines');
    try {
      await removeMachine({ layout: params.layout, id, environmentUuid: params.environmentUuid });
    } catch (error) {
      failures.push(`${id}: ${messageOf(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`stopping qemu machines failed: ${failures.join('; ')}; run the stop again`);
}
