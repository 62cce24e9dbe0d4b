import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import { localProvider } from '../../providers/local/index.js';
import type { Address } from '../../src/index.js';
import { withKeyLock } from '../../storage/file-lock.js';
import { cliHome, collect, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';
import { connectionRefused } from '../helpers/connection-refused.js';

const environments = 'environments:\n  orph:\n    provider: local\n';

interface StatusJson {
  machines: { id: string; instanceId: string; status: string }[];
  unrecordedInstances: { instanceId: string; status: string }[];
}

describe('instances a killed add-machine left unrecorded', () => {
  it('are listed by status with how to remove them, and remove-machine stops one by its instance id; a made-up id stops nothing', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-orphans-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', environments);
    const boot = await cli.run(['bootstrap', 'orph']);
    assert.equal(boot.code, 0, boot.stderr);

    const orphan = await orphanOfKilledAddMachine(cli, 'orph');
    const addresses = await addressesOf(cli, 'orph', orphan);
    assert.ok(addresses.length > 0, 'the unrecorded machine booted on its own');
    for (const address of addresses) assert.equal(await connectionRefused(address), false, `the unrecorded machine listens on ${address.value}`);
    const human = await cli.run(['status', 'orph']);
    assert.equal(human.code, 0, human.stderr);
    assert.ok(human.stdout.includes(`provider-state does not list: ${orphan}\n`), human.stdout);
    assert.ok(human.stdout.includes(`"envboot remove-machine orph ${orphan}" removes them`), human.stdout);

    const controller = (await status(cli)).machines[0]?.instanceId ?? '';
    const madeUp = await cli.run(['remove-machine', 'orph', 'local-00000000', controller]);
    assert.equal(madeUp.code, 2, madeUp.stderr);
    assert.ok(madeUp.stderr.includes("local-00000000: no such machine, nor an unrecorded instance with this environment's tag"), madeUp.stderr);
    assert.ok(madeUp.stderr.includes(`what can be removed: machines none; unrecorded instances ${orphan}`), madeUp.stderr);
    assert.ok(madeUp.stderr.includes(`${controller}: is the controller`), madeUp.stderr);
    assert.equal(await connectionRefused(addresses[0] as Address), false, 'the unrecorded machine still runs');
    assert.deepEqual(await status(cli), {
      machines: [{ id: '0', instanceId: controller, status: 'running' }],
      unrecordedInstances: [{ instanceId: orphan, status: 'running' }],
    });

    const removed = await cli.run(['remove-machine', 'orph', orphan]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, `Removed unrecorded instance ${orphan}.\n`);
    for (const address of addresses) assert.ok(await connectionRefused(address), `${address.value}:${String(address.port)} refuses connections`);
    assert.deepEqual(await status(cli), { machines: [{ id: '0', instanceId: controller, status: 'running' }], unrecordedInstances: [] });
  });

  it('keeps every folder inside the environment folder 0700 (the machines\' own files aside)', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-modes-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', environments);
    for (const args of [['bootstrap', 'orph'], ['add-machine', 'orph']]) {
      const run = await cli.run(args);
      assert.equal(run.code, 0, run.stderr);
    }
    const dir = cli.environmentDir('orph');
    // The machines' own files, and the snapshot of /etc their views are layered on, keep the modes a machine sees.
    const modes = await folderModes(dir, (folder) => /^provider\/(machines\/[^/]+\/fs|base\/[^/]+)$/.test(path.relative(dir, folder)));
    assert.ok(modes.some(([folder]) => folder === 'provider/storage/locks'), JSON.stringify(modes));
    assert.deepEqual(modes.filter(([, mode]) => mode !== 0o700), []);
  });
});

/**
 * Runs `add-machine` and SIGKILLs it after its instance started and before provider-state
 * records it; returns that instance's id. provider-state's write lock, held by the test
 * from the moment the run has its machine id, keeps the run from recording it. Should the
 * run record it first anyway, the machine is removed and the attempt made again.
 */
async function orphanOfKilledAddMachine(cli: CliHome, environment: string): Promise<string> {
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
    const now = await status(cli);
    if (now.unrecordedInstances.some((i) => i.instanceId === instanceId)) return instanceId;
    const recorded = await cli.run(['remove-machine', environment, instanceId]);
    assert.equal(recorded.code, 0, recorded.stderr);
  }
  throw new Error('add-machine recorded its machine before the lock was taken, five times');
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

async function status(cli: CliHome): Promise<StatusJson> {
  const run = await cli.run(['status', 'orph', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const shown = finalResult(run)['result'] as StatusJson;
  return {
    machines: shown.machines.map(({ id, instanceId, status: s }) => ({ id, instanceId, status: s })),
    unrecordedInstances: shown.unrecordedInstances.map(({ instanceId, status: s }) => ({ instanceId, status: s })),
  };
}

/** The instance's addresses once it runs, asked of the local provider as envboot asks it. */
async function addressesOf(cli: CliHome, environment: string, instanceId: string): Promise<readonly Address[]> {
  const dir = cli.environmentDir(environment);
  const { uuid } = JSON.parse(await readFile(path.join(dir, 'environment.json'), 'utf8')) as { uuid: string };
  const checked = localProvider.validateConfig({ config: {} });
  assert.ok(checked.ok);
  const environ = await localProvider.open({ environment: { name: environment, uuid }, config: checked.config, dataDir: path.join(dir, 'provider') });
  for (let waited = 0; waited < 30_000; waited += 100) {
    const [instance] = await environ.instances({ ids: [instanceId] });
    if (instance?.status === 'running' && instance.addresses.length > 0) return instance.addresses;
    await pause(100);
  }
  assert.fail(`instance ${instanceId} did not come up within 30 s`);
}


/** Every folder under `root` (relative path, mode), not descending into those `skipBelow` names. */
async function folderModes(root: string, skipBelow: (folder: string) => boolean): Promise<[string, number][]> {
  const found: [string, number][] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(folder, entry.name);
      found.push([path.relative(root, full), (await lstat(full)).mode & 0o7777]);
      if (!skipBelow(full)) await walk(full);
    }
  };
  await walk(root);
  return found;
}
