import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCancelled, isConfigError, machineTags, preflightEnviron, prepareEnviron, tearDownEnviron } from '../../../src/index.js';
import { isRunning, processesMentioning } from '../../helpers/processes.js';
import { agentPid, holderPid, machineUserData, openEnvironment, refused, run, waitUntilBooted } from './fixtures.js';

async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  while (isRunning(pid)) await sleep(5);
}

describe('local provider lifecycle', () => {
  it('refuses packages before creating anything, naming what to remove', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-refuse-', nested: true });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    const { userData } = machineUserData({ packages: ['nginx'], package_update: true });
    await assert.rejects(environ.startInstance({ machineId: '0', constraints: {}, userData, tags: {} }), (error: unknown) => {
      assert.ok(isConfigError(error));
      const problems = (error as { problems: { path: string; message: string }[] }).problems;
      assert.deepEqual(problems.map((p) => p.path), ['packages', 'package_update']);
      assert.match(problems[0]?.message ?? '', /the local provider does not install OS packages.*remove "packages"/);
      return true;
    });
    await assert.rejects(environ.startInstance({ machineId: '0', constraints: {}, userData: Buffer.from('#!/bin/sh\n'), tags: {} }), isConfigError);
    assert.equal(existsSync(dataDir), false, 'something was created');
    assert.deepEqual(processesMentioning(dataDir), []);
  });

  it('lists an environment without machines without starting an agent', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-empty-', nested: true });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    assert.deepEqual(await environ.allInstances({}), []);
    assert.deepEqual(await environ.instances({ ids: ['local-12345678'] }), [undefined]);
    await environ.stopInstances({ ids: ['local-12345678'] });
    assert.deepEqual(await environ.availabilityZones({}), ['local-a', 'local-b', 'local-c'].map((name) => ({ name, available: true })));
    assert.deepEqual(await tearDownEnviron(environ, {}), { removed: [], failures: [] });
    assert.equal(existsSync(dataDir), false);
  });

  it('honours an aborted signal in every method', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-cancel-', nested: true });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    const signal = AbortSignal.abort();
    const start = { machineId: '0', constraints: {}, userData: machineUserData().userData, tags: {}, signal };
    for (const call of [
      () => preflightEnviron(environ, { signal }),
      () => prepareEnviron(environ, { signal }),
      () => environ.startInstance(start),
      () => environ.stopInstances({ ids: ['local-12345678'], signal }),
      () => environ.instances({ ids: [], signal }),
      () => environ.allInstances({ signal }),
      () => environ.availabilityZones({ signal }),
      () => environ.instanceZones({ ids: [], signal }),
      () => environ.deriveZones({ start, signal }),
      () => tearDownEnviron(environ, { signal }),
    ]) {
      await assert.rejects(call(), isCancelled);
    }
    assert.equal(existsSync(dataDir), false);
  });

  it('marks a machine whose user-data has no host key failed, saying why', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-failed-' });
    if (opened === undefined) return;
    const { environ } = opened;
    const { userData } = machineUserData({ ssh_keys: {} });
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData, tags: {} });
    const failed = await waitUntilBooted(environ, instance.id);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.addresses, []);
    assert.match(failed.statusMessage ?? '', /no ssh_keys\.ed25519_private/);
  });

  it('brings machines back after the agent dies or the machine is killed: same addresses, same files, user-data applied once', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-restart-' });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    const secrets = machineUserData();
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags: machineTags(environ.environment, '0') });
    const first = await waitUntilBooted(environ, instance.id);
    const [address] = first.addresses;
    assert.ok(address !== undefined);
    assert.equal((await run(address, secrets.hostKey, 'echo kept > /etc/kept && echo changed > /var/lib/envboot/nonce')).code, 0);

    await killAndWait(await agentPid(dataDir));
    const adopted = await waitUntilBooted(environ, instance.id);
    assert.equal(adopted.status, 'running', adopted.statusMessage);
    assert.deepEqual(adopted.addresses, first.addresses);
    assert.deepEqual(await run(address, secrets.hostKey, 'cat /etc/kept /var/lib/envboot/nonce'), { code: 0, out: 'kept\nchanged\n' });

    // As after a host reboot: agent and machine both gone.
    const holder = await holderPid(dataDir, instance.id);
    await killAndWait(await agentPid(dataDir));
    await killAndWait(holder);
    const rebooted = await waitUntilBooted(environ, instance.id);
    assert.equal(rebooted.status, 'running', rebooted.statusMessage);
    assert.notEqual(await holderPid(dataDir, instance.id), holder);
    assert.deepEqual(await run(address, secrets.hostKey, 'cat /etc/kept /var/lib/envboot/nonce'), { code: 0, out: 'kept\nchanged\n' });
  });

  it('follows a first boot under way when the agent dies to its end under the next agent: the user-data runs once', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-first-boot-' });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    const secrets = machineUserData({ runcmd: ['echo ran >> /root/runs', 'sleep 2', 'echo finished-after-the-kill'] });
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags: machineTags(environ.environment, '0') });
    const consoleLog = path.join(dataDir, 'machines', instance.id, 'console.log');
    for (const deadline = Date.now() + 10_000; !(await readFile(consoleLog, 'utf8').catch(() => '')).includes('runcmd[1]'); ) {
      assert.ok(Date.now() < deadline, 'the first boot never reached its sleep');
      await sleep(10);
    }
    await killAndWait(await agentPid(dataDir));
    const booted = await waitUntilBooted(environ, instance.id);
    assert.equal(booted.status, 'running', booted.statusMessage);
    const [address] = booted.addresses;
    assert.ok(address !== undefined);
    assert.deepEqual(await run(address, secrets.hostKey, 'cat /root/runs'), { code: 0, out: 'ran\n' }, 'the user-data ran twice');
    assert.match(await readFile(consoleLog, 'utf8'), /finished-after-the-kill/, 'the console log has the whole first boot');
  });

  it('tears down to nothing: no process, no listener, no file but storage; stop and teardown are idempotent', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-teardown-' });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    assert.equal((await prepareEnviron(environ, {})).created, true);
    assert.equal((await prepareEnviron(environ, {})).created, false);
    await environ.storage().put({ key: 'provider-state', body: 'kept for common code' });
    const started = await Promise.all(
      ['0', '1'].map((id) => environ.startInstance({ machineId: id, constraints: {}, userData: machineUserData().userData, tags: machineTags(environ.environment, id) })),
    );
    const booted = await Promise.all(started.map(({ instance }) => waitUntilBooted(environ, instance.id)));
    const pids = [await agentPid(dataDir), ...(await Promise.all(booted.map((i) => holderPid(dataDir, i.id))))];
    assert.ok(pids.every(isRunning));

    const [one] = booted;
    assert.ok(one !== undefined);
    await environ.stopInstances({ ids: [one.id], waitUntilGone: true });
    await environ.stopInstances({ ids: [one.id], waitUntilGone: true });
    for (const address of one.addresses) assert.ok(await refused(address), `${address.value} still listens`);

    const result = await tearDownEnviron(environ, {});
    assert.deepEqual(result.failures, []);
    assert.ok(result.removed.some((line) => line.startsWith('machine ')), JSON.stringify(result.removed));
    assert.deepEqual(pids.filter(isRunning), [], 'processes left running');
    assert.deepEqual(processesMentioning(dataDir), []);
    for (const address of booted.flatMap((i) => i.addresses)) assert.ok(await refused(address), `${address.value} still listens`);
    assert.deepEqual(await readdir(dataDir), ['storage']);
    assert.deepEqual(await tearDownEnviron(environ, {}), { removed: [], failures: [] });
    assert.deepEqual(await readdir(dataDir), ['storage']);
  });
});
