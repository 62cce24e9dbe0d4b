import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  generateSshKeyPair,
  machineTags,
  machineUserData,
  waitSSH,
} from '../../../src/index.js';
import { isRunning, processesMentioning } from '../../helpers/processes.js';
import { eventually, openQemu, refreshable } from './fixtures.js';
import { connectionRefused } from '../../helpers/connection-refused.js';

const client = generateSshKeyPair({ comment: 'qemu-lifecycle-test' });



function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('qemu provider lifecycle', () => {
  it('boots the cloud image, is proved over SSH as the non-root default user, outlives its Environ, and leaves nothing once stopped', async (t) => {
    const fixture = await openQemu(t, { prefix: 'envboot-qemu-lifecycle-' });
    if (fixture === undefined) return;
    const { environ, dataDir, image } = fixture;
    const preflight = await environ.preflight({});
    t.diagnostic(`accelerator: ${preflight.checks?.find((check) => check.name === 'accelerator')?.detail ?? '?'}`);

    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities: environ.capabilities });
    const started = Date.now();
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags: machineTags(environ.environment, '0') });
    const machineDir = path.join(dataDir, 'machines', instance.id);
    assert.deepEqual(
      { dir: mode(machineDir), machines: mode(path.dirname(machineDir)), data: mode(dataDir), record: mode(path.join(machineDir, 'machine.json')), seed: mode(path.join(machineDir, 'seed.iso')) },
      { dir: 0o700, machines: 0o700, data: 0o700, record: 0o600, seed: 0o600 },
      'the seed holds the host private key: it and the record are 0600 in 0700 directories',
    );
    assert.equal(existsSync(path.join(machineDir, 'seed')), false, 'the staged user-data is gone once the seed is made');
    const [address] = instance.addresses;
    assert.ok(address !== undefined && address.value === '127.0.0.1' && address.scope === 'public' && (address.port ?? 22) > 1024, JSON.stringify(instance.addresses));
    assert.deepEqual(instance.hardware, { arch: 'amd64', cores: 1, memoryMiB: 1024, rootDiskMiB: 2048 });
    const qemuPids = processesMentioning(machineDir);
    assert.equal(qemuPids.length, 1, 'one QEMU process runs the machine');

    // A later process: a new Environ on the same config and data directory lists and reaches it.
    const later = fixture.reopen();
    const listed = await later.allInstances({});
    assert.deepEqual(listed.map((i) => [i.id, i.status, i.zone]), [[instance.id, 'running', instance.zone]]);
    assert.deepEqual(listed[0]?.addresses, instance.addresses);

    const waited = await waitSSH({
      instance: refreshable(later, instance.id),
      user: later.sshUser,
      privateKey: client.privateKey,
      hostKeys: [secrets.hostKey.publicKey],
      nonce: secrets.nonce,
      timeoutMs: 600_000,
    });
    t.diagnostic(`booted and proved (host key, nonce) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    try {
      assert.equal(later.sshUser, image.defaultUser);
      const facts = await waited.connection.exec({ command: 'id -un; hostname; sudo -n id -un; cloud-init status' });
      assert.deepEqual(facts.stdout.toString().trim().split('\n'), [image.defaultUser, 'qemu-test-0', 'root', 'status: done']);
      // restrict=on: not even the host's own loopback (10.0.2.2 under user networking) answers the guest.
      const isolated = await waited.connection.exec({ command: `timeout 5 bash -c '</dev/tcp/10.0.2.2/${address.port ?? 22}' && echo reached || echo isolated` });
      assert.equal(isolated.stdout.toString().trim(), 'isolated');
    } finally {
      waited.connection.close();
    }
    const serial = await later.consoleOutput({ id: instance.id, lines: 5 });
    assert.match(serial?.text ?? '', /\S/, 'the serial console is logged');
    assert.ok((serial?.text ?? '').replace(/\n$/, '').split('\n').length <= 5, 'only the last 5 lines');
    assert.equal(serial?.location, path.join(machineDir, 'console.log'));

    await later.stopInstances({ ids: [instance.id], waitUntilGone: true });
    assert.deepEqual(qemuPids.filter(isRunning), [], 'QEMU is gone');
    assert.equal(existsSync(machineDir), false, 'overlay, seed, console log and record are gone');
    assert.ok(await connectionRefused(address), 'nothing listens on the forward any more');
    assert.deepEqual(await environ.allInstances({}), []);
    await environ.stopInstances({ ids: [instance.id] });
    assert.deepEqual(await environ.teardown({}), { removed: [], failures: [] });
    assert.deepEqual(processesMentioning(dataDir), []);
  });

  it('reports a machine whose QEMU died as terminated, lists it no more, and tears it down', async (t) => {
    const fixture = await openQemu(t, { prefix: 'envboot-qemu-died-' });
    if (fixture === undefined) return;
    const { environ, dataDir } = fixture;
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '1', capabilities: environ.capabilities });
    const { instance } = await environ.startInstance({ machineId: '1', constraints: { memoryMiB: 1536, cores: 2 }, userData: secrets.userData, tags: {} });
    assert.deepEqual(instance.hardware, { arch: 'amd64', cores: 2, memoryMiB: 1536, rootDiskMiB: 2048 }, 'constraints raise the size');
    const [pid] = processesMentioning(path.join(dataDir, 'machines', instance.id));
    assert.ok(pid !== undefined);
    process.kill(pid, 'SIGKILL');
    await eventually(() => !isRunning(pid), 10_000, 'QEMU is gone');
    const [view] = await environ.instances({ ids: [instance.id] });
    assert.equal(view?.status, 'terminated');
    assert.match(view.statusMessage ?? '', new RegExp(`QEMU \\(pid ${pid}\\) has exited`));
    assert.deepEqual(await environ.allInstances({}), []);
    const torn = await environ.teardown({});
    assert.deepEqual(torn, { removed: [`machine ${instance.id}`], failures: [] });
    assert.equal(existsSync(dataDir), false);
  });
});
