import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Address, Hardware, InstanceStatus } from '../../provider/index.js';
import { writeFileAtomically } from './write-atomically.js';

/** One machine as this client last saw it. */
export interface CachedMachine {
  readonly id: string;
  readonly instanceId: string;
  readonly status?: InstanceStatus;
  readonly zone?: string;
  readonly addresses: readonly Address[];
  readonly hardware?: Hardware;
}

export interface MachineCache {
  readonly updatedAt: string;
  readonly machines: readonly CachedMachine[];
}

const fileName = 'machines.json';

/**
 * The machine list this client last saw, for `envboot environments` and for messages
 * when the provider cannot be asked. Never trusted over provider-state: every command
 * that changes machines reads provider-state and rewrites this.
 */
export async function readMachineCache(dir: string): Promise<MachineCache | undefined> {
  try {
    const value = JSON.parse(await readFile(path.join(dir, fileName), 'utf8')) as Partial<MachineCache>;
    if (typeof value.updatedAt !== 'string' || !Array.isArray(value.machines)) return undefined;
    return { updatedAt: value.updatedAt, machines: value.machines };
  } catch {
    // A missing or damaged cache is no cache: it is rebuilt by the next status.
    return undefined;
  }
}

export async function writeMachineCache(dir: string, machines: readonly CachedMachine[]): Promise<void> {
  const cache: MachineCache = { updatedAt: new Date().toISOString(), machines };
  await writeFileAtomically(path.join(dir, fileName), `${JSON.stringify(cache, null, 2)}\n`);
}
