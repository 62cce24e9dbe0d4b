import type { Environ } from '../../provider/index.js';
import type { ProviderState } from '../../state/index.js';
import { collectMachines, type CollectedMachines } from '../environment/collect-machines.js';
import { writeKnownHosts } from './known-hosts.js';
import { writeMachineCache } from './machine-cache.js';

/**
 * Rewrites this client's pinned host keys and machine cache from provider-state and the
 * provider, after anything that changed the machines (and on every status).
 */
export async function refreshLocalRecords(params: {
  environ: Environ;
  dir: string;
  /** provider-state, when the caller has just read it. */
  state?: ProviderState | undefined;
  collected?: CollectedMachines;
  signal?: AbortSignal;
}): Promise<CollectedMachines> {
  const collected = params.collected ?? (await collectMachines(params));
  await writeKnownHosts({
    dir: params.dir,
    environment: params.environ.environment.name,
    machines: collected.machines.map((m) => ({ id: m.record.id, hostKeys: m.record.hostKeys })),
  });
  await writeMachineCache(
    params.dir,
    collected.machines.map(({ record, instance }) => ({
      id: record.id,
      instanceId: record.instanceId,
      addresses: instance?.addresses ?? [],
      ...(instance === undefined ? {} : { status: instance.status }),
      ...(record.zone === undefined ? {} : { zone: record.zone }),
      ...(instance?.hardware === undefined ? {} : { hardware: instance.hardware }),
    })),
  );
  return collected;
}
