import { existsSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { throwIfCancelled, type EnvironmentIdentity, type TeardownResult } from '../../src/index.js';
import { agentEntryPoint, connectAgent, lockAgent, readAgentInfo } from './agent-launcher.js';
import { socketPathFor, type LocalLayout } from './layout.js';
import { machineIds } from './machine-ids.js';
import { commandLineOf, identityOf, signalProcess, waitUntilGone } from '../../src/host/index.js';
import { removeTree } from './remove-tree.js';

type Failure = TeardownResult['failures'][number];

export interface TearDownLocalParams {
  readonly layout: LocalLayout;
  readonly environment: EnvironmentIdentity;
  readonly signal?: AbortSignal;
}

/**
 * Stops every machine of the environment, shuts its agent down, and removes everything
 * under the data directory except `storage/` (common code removes that). Best-effort and
 * idempotent: a machine that cannot be stopped keeps its record (and is reported), so a
 * second run finds it again. Holds the agent lock throughout, so no agent starts midway.
 */
export async function tearDownLocal(params: TearDownLocalParams): Promise<TeardownResult> {
  const { layout, signal } = params;
  throwIfCancelled(signal, 'tearing down the local environment');
  if (!existsSync(layout.dataDir)) return { removed: [], failures: [] };
  const removed: string[] = [];
  const failures: Failure[] = [];
  const info = await readAgentInfo(layout);
  const release = await lockAgent(layout, signal);
  try {
    const hasMachines = (await machineIds(layout)).length > 0;
    const agent = await connectAgent({ layout, start: hasMachines, locked: true, ...(signal === undefined ? {} : { signal }) });
    if (agent !== undefined) {
      const identity = identityOf(agent.pid);
      const result = await agent.client.shutdown({ environmentUuid: params.environment.uuid }, signal);
      removed.push(...result.stopped.map((id) => `machine ${id}`));
      failures.push(...result.failures.map((f) => ({ resource: `machine ${f.id}`, error: new Error(f.message) })));
      if (!result.exiting) {
        const why = result.failures.length > 0 ? 'that could not be stopped' : 'of other environments';
        failures.push({
          resource: `local agent (pid ${agent.pid})`,
          error: new Error(`it keeps running for ${result.remaining} machine(s) ${why} in ${layout.dataDir}; its files were left in place`),
        });
        return { removed, failures };
      }
      if (identity !== undefined && !(await stopAgentProcess(identity, layout))) {
        failures.push({ resource: `local agent (pid ${agent.pid})`, error: new Error('it did not exit, even after SIGKILL') });
      } else {
        removed.push(`local agent (pid ${agent.pid})`);
      }
    }
    for (const socket of new Set([socketPathFor(layout.dataDir), ...(info === undefined ? [] : [info.socketPath])])) {
      if (!socket.startsWith(`${layout.dataDir}${path.sep}`)) await rm(socket, { force: true });
    }
    await removeLeftovers(layout, removed, failures);
  } finally {
    await release();
  }
  return { removed, failures };
}

/** Waits for the agent to exit after its shutdown; kills it when it lingers (and is surely ours). */
async function stopAgentProcess(identity: { pid: number; startTime: number }, layout: LocalLayout): Promise<boolean> {
  if (await waitUntilGone([identity], 5_000)) return true;
  const argv = commandLineOf(identity.pid) ?? [];
  if (argv.includes(agentEntryPoint) && argv.includes(layout.dataDir)) signalProcess(identity, 'SIGKILL');
  return waitUntilGone([identity], 2_000);
}

/** Removes what the environment left under `dataDir`, except storage, the lock, and machines still alive. */
async function removeLeftovers(layout: LocalLayout, removed: string[], failures: Failure[]): Promise<void> {
  const keep = new Set(await machineIds(layout));
  const entries = await readdir(layout.dataDir).catch(() => []);
  let count = 0;
  for (const entry of entries) {
    if (entry === 'storage' || entry === 'agent.lock') continue;
    const full = path.join(layout.dataDir, entry);
    try {
      if (full === layout.machines) {
        for (const id of await readdir(full)) if (!keep.has(id)) await removeTree(path.join(full, id));
        if (keep.size === 0) await rmdir(full);
      } else {
        await removeTree(full);
      }
      count++;
    } catch (error) {
      failures.push({ resource: full, error: error as Error });
    }
  }
  if (count > 0) removed.push(`the local machines' files (their filesystems, keys and logs) and the agent's files under ${layout.dataDir}`);
}
