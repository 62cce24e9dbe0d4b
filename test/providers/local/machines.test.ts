import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectSsh, generateSshKeyPair, isHostKeyMismatch, machineTags, tearDownEnviron, type Instance, type ZonedEnviron } from '../../../src/index.js';
import { client, machineUserData, madeEarlier, openLocal, run, sshTo, waitUntilBooted, type TestUserData } from './fixtures.js';

const uuid = randomUUID();
let environ: ZonedEnviron | undefined;
let dataDir: string;
let machine: { instance: Instance; secrets: TestUserData } | undefined;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'envboot-local-machines-'));
});
after(async () => {
  // Teardown first: the directory holds the agent's socket.
  try {
    if (environ !== undefined) await tearDownEnviron(environ, {});
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

describe('local provider machines', () => {
  it('starts a machine that answers SSH on a public and a cloud-local address with its own host key and nonce', async (t) => {
    environ = await openLocal(t, { dataDir, uuid });
    if (environ === undefined) return;
    const secrets = machineUserData();
    const tags = machineTags(environ.environment, '0');
    const started = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags });
    assert.equal(started.instance.status, 'pending');
    assert.match(started.instance.id, /^local-[0-9a-f]{8}$/);
    assert.deepEqual(started.instance.tags, tags);

    const instance = await waitUntilBooted(environ, started.instance.id);
    assert.equal(instance.status, 'running', instance.statusMessage);
    assert.deepEqual(instance.addresses.map((a) => a.scope), ['public', 'cloud-local']);
    assert.equal(new Set(instance.addresses.map((a) => a.value)).size, 2);
    for (const address of instance.addresses) {
      assert.match(address.value, /^127\.(?!0\.)\d+\.\d+\.\d+$/);
      // No ENVBOOT_ROOT inside a real machine: the nonce is at its real path.
      assert.deepEqual(await run(address, secrets.hostKey, 'cat /var/lib/envboot/nonce; echo "root=${ENVBOOT_ROOT:-none}"'), {
        code: 0,
        out: `${secrets.nonce}root=none\n`,
      });
    }
    const [publicAddress] = instance.addresses;
    assert.ok(publicAddress !== undefined);
    await assert.rejects(
      connectSsh({ host: publicAddress.value, port: publicAddress.port ?? 22, user: 'root', privateKey: client.privateKey, hostKeys: [generateSshKeyPair().publicKey] }),
      isHostKeyMismatch,
    );
    machine = { instance, secrets };
  });

  it('gives the machine its own /etc and /opt while the host stays untouched and read-only elsewhere', async (t) => {
    if (!madeEarlier(t, machine, 'the machine')) return;
    const [address] = machine.instance.addresses;
    assert.ok(address !== undefined);
    const marker = `envboot-local-test-${randomUUID()}`;
    const wrote = await run(address, machine.secrets.hostKey, `echo inside > /etc/${marker}.conf && mkdir -p /opt/${marker} && echo ok`);
    assert.deepEqual(wrote, { code: 0, out: 'ok\n' });
    assert.deepEqual(await run(address, machine.secrets.hostKey, `cat /etc/${marker}.conf && test -d /opt/${marker} && id -u && pwd && hostname`), {
      code: 0,
      out: `inside\n0\n/root\n${machine.instance.id}\n`,
    });
    assert.equal(existsSync(`/etc/${marker}.conf`), false, 'the machine wrote to the host /etc');
    assert.equal(existsSync(`/opt/${marker}`), false, 'the machine wrote to the host /opt');
    const usr = await run(address, machine.secrets.hostKey, `touch /usr/${marker}`);
    assert.notEqual(usr.code, 0);
    assert.match(usr.out, /Read-only file system/);
    assert.equal(existsSync(`/usr/${marker}`), false);
    assert.equal((await run(address, machine.secrets.hostKey, `test -e ${dataDir}`)).code, 1, 'the machine sees the environment directory');
  });

  it('passes exit statuses, signals and stdin, and forwards TCP to loopback so the machine can be a jump host', async (t) => {
    if (!madeEarlier(t, environ, 'the environment') || !madeEarlier(t, machine, 'the machine')) return;
    const [address, cloudLocal] = machine.instance.addresses;
    assert.ok(address !== undefined && cloudLocal !== undefined);
    const connection = await sshTo(address, machine.secrets.hostKey);
    try {
      assert.equal((await connection.exec({ command: 'exit 7' })).exitCode, 7);
      const killed = await connection.exec({ command: 'kill -TERM $$' });
      assert.equal(killed.exitSignal, 'SIGTERM');
      const echoed = await connection.exec({ command: 'cat', stdin: Buffer.from([0, 1, 2, 255]) });
      assert.deepEqual([...echoed.stdout], [0, 1, 2, 255]);
      const stop = new AbortController();
      const long = connection.exec({ command: 'sleep 30', signal: stop.signal });
      setTimeout(() => { stop.abort(); }, 100);
      await assert.rejects(long, { code: 'CANCELLED' });
    } finally {
      connection.close();
    }
    const jumped = await connectSsh({
      host: cloudLocal.value,
      port: cloudLocal.port ?? 22,
      user: 'root',
      privateKey: client.privateKey,
      hostKeys: [machine.secrets.hostKey.publicKey],
      jumpHost: { host: address.value, port: address.port ?? 22, user: 'root', privateKey: client.privateKey, hostKeys: [machine.secrets.hostKey.publicKey] },
    });
    try {
      assert.equal((await jumped.exec({ command: 'cat /var/lib/envboot/nonce' })).stdout.toString(), machine.secrets.nonce);
    } finally {
      jumped.close();
    }
  });

  it('spreads machines started without a zone over the least populated zones, and honours an explicit one', async (t) => {
    if (!madeEarlier(t, environ, 'the environment')) return;
    const zones: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const { instance } = await environ.startInstance({ machineId: String(i), constraints: {}, userData: machineUserData().userData, tags: machineTags(environ.environment, String(i)) });
      zones.push(instance.zone ?? '?');
    }
    // Machine 0 is in local-a already.
    assert.deepEqual(zones, ['local-b', 'local-c', 'local-a', 'local-b', 'local-c']);
    const pinned = await environ.startInstance({ machineId: '6', zone: 'local-c', constraints: {}, userData: machineUserData().userData, tags: {} });
    assert.equal(pinned.instance.zone, 'local-c');
    assert.deepEqual(await environ.deriveZones({ start: { machineId: '7', zone: 'local-b', constraints: {}, tags: {} } }), ['local-b']);
    assert.deepEqual(await environ.deriveZones({ start: { machineId: '7', constraints: {}, tags: {} } }), []);
    const all = await environ.allInstances({});
    assert.equal(all.length, 7);
    const ids = all.map((i) => i.id);
    assert.deepEqual(await environ.instanceZones({ ids: [pinned.instance.id, 'local-00000000'] }), ['local-c', undefined]);
    await environ.stopInstances({ ids: ids.filter((id) => id !== machine?.instance.id), waitUntilGone: true });
    assert.deepEqual((await environ.allInstances({})).map((i) => i.id), machine === undefined ? [] : [machine.instance.id]);
    await assert.rejects(
      environ.startInstance({ machineId: '8', zone: 'us-east-1a', constraints: {}, userData: machineUserData().userData, tags: {} }),
      { code: 'CONFIG_INVALID', message: /zone "us-east-1a" is not one of this environment's zones \(local-a, local-b, local-c\)/ },
    );
  });

  it('is found, listed and stopped by a second open of the same data directory, as a later CLI run would', async (t) => {
    if (!madeEarlier(t, environ, 'the environment') || !madeEarlier(t, machine, 'the machine')) return;
    const later = await openLocal(t, { dataDir, uuid });
    assert.ok(later !== undefined);
    const [found] = await later.instances({ ids: [machine.instance.id] });
    assert.deepEqual(found?.addresses, machine.instance.addresses);
    const stranger = await openLocal(t, { dataDir, uuid: randomUUID() });
    assert.deepEqual(await stranger?.allInstances({}), [], 'another environment must not see machines it does not own');
    await stranger?.stopInstances({ ids: [machine.instance.id] });
    const foreign = stranger === undefined ? undefined : await tearDownEnviron(stranger, {});
    assert.match(foreign?.failures[0]?.error.message ?? '', /keeps running for 1 machine\(s\) of other environments/);
    assert.equal((await later.instances({ ids: [machine.instance.id] }))[0]?.status, 'running', 'another environment stopped a machine it does not own');
    await later.stopInstances({ ids: [machine.instance.id] });
    await later.stopInstances({ ids: [machine.instance.id, 'local-ffffffff'] });
    assert.deepEqual(await environ.instances({ ids: [machine.instance.id] }), [undefined]);
    assert.deepEqual(await environ.allInstances({}), []);
  });
});
