import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it, type TestContext } from 'node:test';
import {
  preflightEnviron,
  addMachines,
  bootstrap,
  destroy,
  isAlreadyBootstrapped,
  removeMachines,
  type Address,
  type Environ,
  type ProvisionedMachine,
  type SshKeyPair,
} from '../../src/index.js';
import { localProvider } from '../../providers/local/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { isRunning, processTree, processesMentioning } from '../helpers/processes.js';
import { connectionRefused } from '../helpers/connection-refused.js';
import { connectTo } from '../src/bootstrap/fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function openLocal(t: TestContext, dataDir: string, uuid = randomUUID()): Promise<Environ | undefined> {
  const checked = localProvider.validateConfig({ config: {} });
  assert.ok(checked.ok);
  const environ = await localProvider.open({ environment: { name: 'e2e', uuid }, config: checked.config, dataDir });
  try {
    await preflightEnviron(environ, {});
  } catch (error) {
    // Sandboxes need user namespaces; CI has them and must not skip.
    if (process.env['CI'] === 'true') throw error;
    t.skip(`local sandboxes are not possible here: ${(error as Error).message}`);
    return undefined;
  }
  t.after(() => destroy({ environ }));
  return environ;
}

async function run(machine: ProvisionedMachine, key: SshKeyPair, command: string): Promise<{ code: number | undefined; out: string }> {
  const connection = await connectTo(machine, key, 'root');
  try {
    const result = await connection.exec({ command });
    return { code: result.exitCode, out: result.stdout.toString() + result.stderr.toString() };
  } finally {
    connection.close();
  }
}


async function assertNothingLeft(dataDir: string, pids: readonly number[], addresses: readonly Address[]): Promise<void> {
  assert.deepEqual(pids.filter(isRunning), [], 'processes left running');
  assert.deepEqual(processesMentioning(dataDir), [], 'processes mentioning the environment directory');
  for (const address of addresses) assert.ok(await connectionRefused(address), `something still listens on ${address.value}:${String(address.port)}`);
  const files = existsSync(dataDir) ? await readdir(dataDir, { recursive: true }) : [];
  assert.deepEqual(files, [], 'files left under the environment directory');
}

describe('local provider, end to end', () => {
  it('bootstraps, configures inside the sandbox, adds 10 machines over three zones, removes one, destroys everything', async (t) => {
    const dataDir = await tempDir('envboot-e2e-');
    const environ = await openLocal(t, dataDir);
    if (environ === undefined) return;
    const marker = `/etc/envboot-e2e-${randomUUID()}.conf`;
    const result = await bootstrap({
      environ,
      controllerConfig: { write_files: [{ path: marker, content: 'inside\n' }], runcmd: [['mkdir', '-p', '/opt/envboot-e2e-app']] },
    });
    const controller = result.controller;
    assert.deepEqual(controller.addresses.map((a) => a.scope).sort(), ['cloud-local', 'public']);
    assert.deepEqual(await run(controller, result.clientKey, `cat ${marker} && test -d /opt/envboot-e2e-app && echo dir`), { code: 0, out: 'inside\ndir\n' });
    assert.equal(existsSync(marker), false, 'the controller cloud-config wrote to the host');
    assert.equal(existsSync('/opt/envboot-e2e-app'), false, 'the controller cloud-config wrote to the host');
    assert.notEqual((await run(controller, result.clientKey, 'touch /usr/envboot-e2e')).code, 0, 'the rest of the host is read-only');

    const added = await addMachines({ environ, count: 10, clientKey: result.clientKey });
    assert.deepEqual(added.failures, []);
    const perZone = new Map<string, number>();
    for (const machine of added.machines) perZone.set(machine.zone ?? '?', (perZone.get(machine.zone ?? '?') ?? 0) + 1);
    assert.deepEqual([...perZone.values()].sort(), [3, 3, 4], JSON.stringify([...perZone]));
    assert.deepEqual([...perZone.keys()].sort(), ['local-a', 'local-b', 'local-c']);

    // A later process (as a later CLI run would be) sees the same machines.
    const listed = await listFromAnotherProcess(dataDir, environ.environment.uuid);
    assert.equal(listed.length, 11);

    const removed = await removeMachines({ environ, ids: ['4'] });
    assert.deepEqual(removed.failures, []);
    const gone = added.machines.find((m) => m.id === '4');
    assert.ok(gone !== undefined);
    for (const address of gone.addresses) assert.ok(await connectionRefused(address));

    const agentPids = processesMentioning(dataDir).flatMap(processTree);
    assert.ok(agentPids.length > 0, 'the machines are processes on this host');
    const addresses = [...controller.addresses, ...added.machines.flatMap((m) => m.addresses)];
    const destroyed = await destroy({ environ });
    assert.deepEqual(destroyed.failures, []);
    assert.equal(destroyed.stoppedInstances.length, 10);
    await assertNothingLeft(dataDir, agentPids, addresses);
  });

  it('lets one of two concurrent bootstraps win, and destroys by tag after provider-state is lost', async (t) => {
    const dataDir = await tempDir('envboot-e2e-');
    const environ = await openLocal(t, dataDir);
    if (environ === undefined) return;
    const outcomes = await Promise.allSettled([bootstrap({ environ }), bootstrap({ environ })]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    assert.ok(outcomes.some((o) => o.status === 'rejected' && isAlreadyBootstrapped(o.reason)));
    assert.equal((await environ.allInstances({})).length, 1);

    await environ.storage().removeAll({});
    const pids = processesMentioning(dataDir).flatMap(processTree);
    const destroyed = await destroy({ environ });
    assert.equal(destroyed.stoppedInstances.length, 1, 'found by its tag');
    await assertNothingLeft(dataDir, pids, []);
  });

  it('refuses a controller cloud-config local machines cannot apply, every problem at once, before creating anything', async (t) => {
    const dataDir = await tempDir('envboot-e2e-');
    const environ = await openLocal(t, dataDir);
    if (environ === undefined) return;
    const bad = { packages: ['nginx'], users: ['default', { name: 'app' }], write_files: [{ path: '/usr/bin/tool', content: 'x' }] };
    await assert.rejects(bootstrap({ environ, controllerConfig: bad }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /packages: the local provider does not install OS packages/);
      assert.match(error.message, /users\[1\]: local machines have only the root account/);
      assert.match(error.message, /write_files\[0\]\.path: \/usr\/bin\/tool is on the host's read-only filesystem/);
      return true;
    });
    assert.deepEqual((await environ.storage().list({})).objects, []);
    assert.deepEqual(processesMentioning(dataDir), [], 'no agent was started');
  });

  for (const phase of ['prepare', 'start-instance', 'record-state', 'wait-ssh', 'configure'] as const) {
    it(`bootstrap aborted at "${phase}" leaves nothing`, async (t) => {
      const dataDir = await tempDir('envboot-e2e-');
      const environ = await openLocal(t, dataDir);
      if (environ === undefined) return;
      const controller = new AbortController();
      const outcome = bootstrap({
        environ,
        controllerConfig: { runcmd: ['sleep 10'] },
        onEvent: (event) => {
          if (event.type === 'phase.started' && event.phase === phase) controller.abort();
        },
        signal: controller.signal,
      });
      await assert.rejects(outcome, { code: 'CANCELLED' });
      assert.deepEqual(await environ.allInstances({}), []);
      assert.deepEqual((await environ.storage().list({})).objects, []);
      // The agent may stay up for a later bootstrap; destroy leaves nothing at all.
      const pids = processesMentioning(dataDir).flatMap(processTree);
      await destroy({ environ });
      await assertNothingLeft(dataDir, pids, []);
    });
  }
});

async function listFromAnotherProcess(dataDir: string, uuid: string): Promise<unknown[]> {
  const script = `
    const { localProvider } = await import(${JSON.stringify(path.join(here, '../../providers/local/index.js'))});
    const checked = localProvider.validateConfig({ config: {} });
    const environ = await localProvider.open({ environment: { name: 'e2e', uuid: ${JSON.stringify(uuid)} }, config: checked.config, dataDir: ${JSON.stringify(dataDir)} });
    console.log(JSON.stringify(await environ.allInstances({})));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout) as unknown[];
}
