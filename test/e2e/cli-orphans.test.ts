import assert from 'node:assert/strict';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import { localProvider } from '../../providers/local/index.js';
import type { Address } from '../../src/index.js';
import { cliHome, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';
import { orphanOfKilledAddMachine, statusBrief, type StatusBrief } from './killed-add-machine.js';
import { connectionRefused } from '../helpers/connection-refused.js';

const environments = 'environments:\n  orph:\n    provider: local\n';


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

function status(cli: CliHome): Promise<StatusBrief> {
  return statusBrief(cli, 'orph');
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
