import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { withKeyLock } from '../../storage/file-lock.js';
import { collect, finalResult, type CliHome } from '../src/cli/cli-harness.js';

/** What `status --json` says of the machines and the unrecorded instances, in brief. */
export interface StatusBrief {
  machines: { id: string; instanceId: string; status: string }[];
  unrecordedInstances: { instanceId: string; status: string }[];
}

/**
 * Runs `add-machine` on a local environment and SIGKILLs it after its instance started
 * and before provider-state records it; returns that instance's id. provider-state's
 * write lock, held by the test from the moment the run has its machine id, keeps the run
 * from recording it. Should the run record it first anyway, the machine is removed and
 * the attempt made again. (The way `cli-orphans.test.ts` makes its unrecorded instance.)
 */
export async function orphanOfKilledAddMachine(cli: CliHome, environment: string): Promise<string> {
  const locks = path.join(cli.environmentDir(environment), 'provider', 'storage', 'locks');
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const child = cli.start(['add-machine', environment, '--json']);
    const done = collect(child);
    const events = eventsOf(child);
    await events.first((e) => e['type'] === 'phase.started' && e['phase'] === 'generate-keys');
    const started = await withKeyLock(locks, 'provider-state', async () => {
      const event = await events.first((e) => e['type'] === 'instance.started');
      child.kill('SIGKILL');
      await done;
      return event;
    });
    const instanceId = String(started['instanceId']);
    const now = await statusBrief(cli, environment);
    if (now.unrecordedInstances.some((i) => i.instanceId === instanceId)) return instanceId;
    const recorded = await cli.run(['remove-machine', environment, instanceId]);
    if (recorded.code !== 0) throw new Error(`removing ${instanceId}, recorded too early: ${recorded.stderr}`);
  }
  throw new Error('add-machine recorded its machine before the lock was taken, five times');
}

/** `status --json`, in brief; fails on a status that does not exit 0. */
export async function statusBrief(cli: CliHome, environment: string, env?: Readonly<Record<string, string | undefined>>): Promise<StatusBrief> {
  const run = await cli.run(['status', environment, '--json'], env === undefined ? {} : { env });
  if (run.code !== 0) throw new Error(`status exited ${String(run.code)}: ${run.stderr}`);
  const shown = finalResult(run)['result'] as StatusBrief;
  return {
    machines: shown.machines.map(({ id, instanceId, status }) => ({ id, instanceId, status })),
    unrecordedInstances: shown.unrecordedInstances.map(({ instanceId, status }) => ({ instanceId, status })),
  };
}

/** The NDJSON events of a run, from its start: `first` resolves with the first that matches, seen already or to come. */
function eventsOf(child: ChildProcess): { first(match: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> } {
  const seen: Record<string, unknown>[] = [];
  const waiting: { match: (event: Record<string, unknown>) => boolean; resolve: (event: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer | string) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const event = JSON.parse(line) as Record<string, unknown>;
      seen.push(event);
      for (const waiter of waiting.filter((w) => w.match(event))) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => { reject(new Error(`add-machine exited (${String(code)}) before the awaited event`)); }));
  exited.catch(() => undefined);
  return {
    first: (match) => {
      const found = seen.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return Promise.race([new Promise<Record<string, unknown>>((resolve) => waiting.push({ match, resolve })), exited]);
    },
  };
}
