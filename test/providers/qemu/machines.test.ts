import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { QemuEnviron, validateQemuConfig } from '../../../providers/qemu/index.js';
import { isCancelled, machineTags, type StartInstanceParams } from '../../../src/index.js';
import { isRunning, processesMentioning } from '../../helpers/processes.js';
import { eventually, removeLeftovers } from './fixtures.js';
import { requireHostTools } from './test-image.js';

/**
 * Machines on an empty 64 MiB disk under TCG: the firmware finds nothing to boot and waits,
 * so every start, listing and stop runs for real (QEMU daemonized, overlay, seed, forward)
 * at almost no cost, and without the test image.
 */
async function emptyDiskEnviron(t: TestContext): Promise<{ open: () => QemuEnviron; dataDir: string } | undefined> {
  const tools = requireHostTools(t);
  if (tools === undefined) return undefined;
  const qemuImg = tools.qemuImg;
  const root = await mkdtemp(path.join(tmpdir(), 'envboot-qemu-machines-'));
  t.after(() => removeLeftovers(root));
  const image = path.join(root, 'empty.qcow2');
  execFileSync(qemuImg, ['create', '-q', '-f', 'qcow2', image, '64M']);
  const checked = validateQemuConfig({ image, accel: 'tcg', memory: '128M', zones: ['z1', 'z2'] });
  assert.ok(checked.ok);
  const environment = { name: 'empty', uuid: randomUUID() };
  const dataDir = path.join(root, 'provider');
  return { open: () => new QemuEnviron({ environment, config: checked.config, dataDir }), dataDir };
}

function machineDirs(dataDir: string): string[] {
  const machines = path.join(dataDir, 'machines');
  return existsSync(machines) ? readdirSync(machines) : [];
}

function start(environ: QemuEnviron, machineId: string, extra: Partial<StartInstanceParams> = {}): StartInstanceParams {
  return { machineId, constraints: {}, userData: Buffer.from('#cloud-config\n'), tags: machineTags(environ.environment, machineId), ...extra };
}

describe('qemu machines', () => {
  it('spreads machines over the zones, on ports of their own, and a later Environ lists, reaches and stops them', async (t) => {
    const opened = await emptyDiskEnviron(t);
    if (opened === undefined) return;
    const environ = opened.open();
    const first = await environ.startInstance(start(environ, '1'));
    const second = await environ.startInstance(start(environ, '2'));
    assert.deepEqual([first.instance.zone, second.instance.zone], ['z1', 'z2'], 'the least populated zone first');
    assert.notEqual(first.instance.addresses[0]?.port, second.instance.addresses[0]?.port);
    assert.equal(first.instance.tags['envboot-machine-id'], '1');

    const later = opened.open();
    const listed = await later.allInstances({});
    assert.deepEqual(listed.map((i) => [i.id, i.status, i.zone]).sort(), [[first.instance.id, 'running', 'z1'], [second.instance.id, 'running', 'z2']].sort());
    assert.deepEqual(await later.instanceZones({ ids: [second.instance.id, 'qemu-000000000000'] }), ['z2', undefined]);
    await eventually(() => existsSync(path.join(opened.dataDir, 'machines', first.instance.id, 'console.log')), 5_000, 'the console log exists');

    const pids = processesMentioning(opened.dataDir);
    assert.equal(pids.length, 2);
    await later.stopInstances({ ids: [first.instance.id, second.instance.id, first.instance.id] });
    assert.deepEqual(pids.filter(isRunning), []);
    assert.deepEqual(machineDirs(opened.dataDir), []);
    assert.deepEqual(await environ.allInstances({}), []);
    assert.deepEqual(await environ.teardown({}), { removed: [], failures: [] });
    assert.equal(existsSync(opened.dataDir), false);
  });

  it('leaves nothing behind when a start is cancelled at any moment', async (t) => {
    const opened = await emptyDiskEnviron(t);
    if (opened === undefined) return;
    const environ = opened.open();
    await environ.preflight({});
    const outcomes: string[] = [];
    for (const delayMs of [0, 2, 5, 10, 20, 40, 80, 160]) {
      const controller = new AbortController();
      setTimeout(() => { controller.abort(new Error('test abort')); }, delayMs);
      const result = await environ.startInstance(start(environ, '0', { signal: controller.signal })).then(
        ({ instance }) => instance.id,
        (error: unknown) => {
          assert.ok(isCancelled(error), `a cancelled start failed with ${String(error)}`);
          return undefined;
        },
      );
      outcomes.push(result === undefined ? 'cancelled' : 'started');
      if (result !== undefined) await environ.stopInstances({ ids: [result] });
      assert.deepEqual(await environ.allInstances({}), [], `after a start cancelled at ${delayMs} ms`);
      await eventually(() => processesMentioning(opened.dataDir).length === 0, 10_000, `no QEMU left after a start cancelled at ${delayMs} ms`);
      assert.deepEqual(machineDirs(opened.dataDir), [], `no files left after a start cancelled at ${delayMs} ms`);
    }
    t.diagnostic(`outcomes: ${outcomes.join(', ')}`);
    assert.ok(outcomes.includes('cancelled'));
  });

  it('tears down every machine, running or not, and is idempotent', async (t) => {
    const opened = await emptyDiskEnviron(t);
    if (opened === undefined) return;
    const environ = opened.open();
    const { instance } = await environ.startInstance(start(environ, '1'));
    const torn = await opened.open().teardown({});
    assert.deepEqual(torn, { removed: [`machine ${instance.id}`], failures: [] });
    assert.deepEqual(processesMentioning(opened.dataDir), []);
    assert.equal(existsSync(opened.dataDir), false);
    assert.deepEqual(await environ.teardown({}), { removed: [], failures: [] });
  });
});
