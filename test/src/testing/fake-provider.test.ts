import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { renderUserData, type CloudConfig } from '../../../cloudinit/index.js';
import {
  capacityScope,
  connectSsh,
  earliestRetry,
  ErrorCode,
  generateSshKeyPair,
  hasInstanceTypes,
  isZoned,
  machineTags,
  ProviderRegistry,
  type EnvironmentIdentity,
  type Instance,
  type StartInstanceParams,
} from '../../../src/index.js';
import { createFakeProvider, type FakeEnviron } from '../../../src/testing/index.js';
import { rejectsWithCode } from '../../helpers/rejects-with-code.js';

const client = generateSshKeyPair({ comment: 'fake-provider-test' });
const hostKey = generateSshKeyPair({ comment: 'fake-machine' });

function newEnvironment(name = 'test'): EnvironmentIdentity {
  return { name, uuid: randomUUID() };
}

/** The minimal user-data a bootstrap sends: client key, host key, and the nonce written last. */
function userData(params: { nonce?: string; extra?: Partial<CloudConfig> } = {}): Uint8Array {
  const config: CloudConfig = {
    ssh_authorized_keys: [client.publicKey],
    ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
    write_files: [{ path: '/var/lib/envboot/nonce', content: `${params.nonce ?? 'nonce'}\n`, permissions: '0644', defer: true }],
    ...params.extra,
  };
  return renderUserData(config, { gzip: true, base64: true }).body;
}

function startParams(environ: FakeEnviron, extra: Partial<StartInstanceParams> = {}): StartInstanceParams {
  const machineId = extra.machineId ?? '0';
  return { machineId, constraints: {}, userData: userData(), tags: machineTags(environ.environment, machineId), ...extra };
}

/** Polls until the instance leaves `pending` (real boots take a moment), up to 10 s. */
async function settledInstance(environ: FakeEnviron, id: string): Promise<Instance> {
  for (let i = 0; i < 500; i += 1) {
    const [instance] = await environ.instances({ ids: [id] });
    if (instance === undefined) throw new Error(`${id} disappeared`);
    if (instance.status !== 'pending') return instance;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${id} is still pending after 10 s`);
}

const fake = createFakeProvider();
after(() => fake.close());

describe('fake provider machines', () => {
  it('boots from its user-data: SSH with the pinned host key, the client key, and the nonce file', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const started = await environ.startInstance(startParams(environ, { zone: 'zone-b', instanceType: 'medium', userData: userData({ nonce: 'n-42' }) }));
    assert.match(started.instance.id, /^fake-\d+$/);
    assert.equal(started.instance.status, 'pending');
    assert.equal(started.instance.zone, 'zone-b');
    assert.deepEqual(started.hardware, { arch: 'amd64', cores: 2, memoryMiB: 4_096, instanceType: 'medium' });
    assert.deepEqual(started.instance.tags, machineTags(environ.environment, '0'));

    const running = await settledInstance(environ, started.instance.id);
    assert.equal(running.status, 'running', running.statusMessage);
    const [address] = running.addresses;
    assert.deepEqual(running.addresses, [{ value: '127.0.0.1', port: address?.port, scope: 'public' }]);
    const connection = await connectSsh({
      host: '127.0.0.1',
      port: address?.port ?? 0,
      user: environ.sshUser,
      privateKey: client.privateKey,
      hostKeys: [hostKey.publicKey],
    });
    try {
      const result = await connection.exec({ command: 'cat "${ENVBOOT_ROOT}/var/lib/envboot/nonce"' });
      assert.equal(result.stdout.toString(), 'n-42\n');
    } finally {
      connection.close();
    }
    const root = environ.machines()[0]?.host?.root ?? assert.fail('the machine has a host');
    assert.equal(await readFile(path.join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8'), `${hostKey.publicKey}\n`);
  });

  it('also reports a cloud-local address nobody listens on under deadCloudLocalAddress', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.deadCloudLocalAddress = true;
    const { instance } = await environ.startInstance(startParams(environ));
    const running = await settledInstance(environ, instance.id);
    assert.deepEqual(running.addresses.map((a) => a.scope), ['public', 'cloud-local']);
    assert.notEqual(running.addresses[1]?.port, running.addresses[0]?.port);
  });

  it('fails the instance, naming the failed step, when the user-data script fails', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const { instance } = await environ.startInstance(startParams(environ, { userData: userData({ extra: { runcmd: ['echo hush-secret >/dev/null; exit 3'] } }) }));
    const failed = await settledInstance(environ, instance.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.statusMessage ?? '', /cloud-init failed: envboot: step runcmd\[0\] failed with exit status 3/);
    assert.doesNotMatch(failed.statusMessage ?? '', /hush-secret/);
  });

  it('fails the instance without quoting it when the user-data is unreadable', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const body = new TextEncoder().encode('#cloud-config\nwrite_files: [{path: /x, content: "PRIVATE-KEY-MATERIAL\n');
    const { instance } = await environ.startInstance(startParams(environ, { userData: body }));
    const failed = await settledInstance(environ, instance.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.statusMessage ?? '', /^cloud-init could not read the user-data: user-data is not valid YAML at line/);
    assert.doesNotMatch(failed.statusMessage ?? '', /PRIVATE-KEY-MATERIAL/);
  });

  it('fails the instance, starting no SSH server, under failBoot', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.failBoot = true;
    const { instance } = await environ.startInstance(startParams(environ));
    const failed = await settledInstance(environ, instance.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.statusMessage ?? '', /failBoot/);
    assert.deepEqual(failed.addresses, []);
    assert.equal(environ.machines()[0]?.host, undefined);
  });

  it('refuses user-data that asks for packages, which fake machines cannot install', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const { instance } = await environ.startInstance(startParams(environ, { userData: userData({ extra: { packages: ['jq'] } }) }));
    const failed = await settledInstance(environ, instance.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.statusMessage ?? '', /packageInstallation is false/);
  });

  it('stops a machine in the middle of its boot, leaving nothing running', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.bootDelayMs = 60_000;
    const { instance } = await environ.startInstance(startParams(environ));
    const machine = environ.machines()[0] ?? assert.fail('one machine');
    const sshIsUp = (): boolean => machine.host !== undefined;
    for (let i = 0; i < 200 && !sshIsUp(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(sshIsUp(), 'its SSH server came up before the boot delay');
    await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
    assert.equal(machine.status, 'terminated');
    assert.equal(machine.host, undefined);
  });
});

describe('fake provider faults', () => {
  it('refuses every call, preflight first, under credentialsInvalid', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.credentialsInvalid = true;
    await rejectsWithCode(environ.preflight({}), ErrorCode.CredentialsInvalid);
    await rejectsWithCode(environ.startInstance(startParams(environ)), ErrorCode.CredentialsInvalid);
    await rejectsWithCode(environ.allInstances({}), ErrorCode.CredentialsInvalid);
    await rejectsWithCode(environ.stopInstances({ ids: ['fake-1'] }), ErrorCode.CredentialsInvalid);
    await rejectsWithCode(environ.availabilityZones({}), ErrorCode.CredentialsInvalid);
    assert.deepEqual(environ.machines(), []);
  });

  it('fails with CAPACITY_UNAVAILABLE, scope all, in a zone without capacity and starts elsewhere', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.capacityZones.add('zone-a');
    const error = await rejectsWithCode(environ.startInstance(startParams(environ)), ErrorCode.CapacityUnavailable);
    assert.deepEqual(capacityScope(error), { kind: 'all' });
    assert.equal((error as { zone?: string }).zone, 'zone-a');
    assert.deepEqual(environ.machines(), [], 'nothing was started in zone-a');
    const { instance } = await environ.startInstance(startParams(environ, { zone: 'zone-b' }));
    assert.equal(instance.zone, 'zone-b');
  });

  it('fails with QUOTA_EXCEEDED and starts nothing under quotaExceeded', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.quotaExceeded = true;
    await rejectsWithCode(environ.startInstance(startParams(environ)), ErrorCode.QuotaExceeded);
    assert.deepEqual(environ.machines(), []);
  });

  it('throttles the next calls with RATE_LIMITED and an earliestRetry from the injected clock', async () => {
    const clock = createFakeProvider({ now: () => new Date('2030-01-01T00:00:00Z') });
    after(() => clock.close());
    const environ = clock.openEnviron(newEnvironment());
    environ.faults.rateLimit = { times: 2, retryAfterMs: 5_000 };
    for (let i = 0; i < 2; i += 1) {
      const error = await rejectsWithCode(environ.startInstance(startParams(environ)), ErrorCode.RateLimited);
      assert.deepEqual(earliestRetry(error), new Date('2030-01-01T00:00:05Z'));
    }
    assert.equal(environ.faults.rateLimit.times, 0);
    assert.deepEqual(environ.machines(), []);
    const { instance } = await environ.startInstance(startParams(environ));
    assert.equal(instance.status, 'pending');
  });

  it('reports the warnings preflight was given', async () => {
    const environ = fake.openEnviron(newEnvironment());
    assert.deepEqual(await environ.preflight({}), { warnings: [] });
    environ.faults.preflightWarnings.push('quota is nearly used up');
    assert.deepEqual(await environ.preflight({}), { warnings: ['quota is nearly used up'] });
  });

  it('stops the other instances, then rejects naming those left running, under failStopIds', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const first = (await environ.startInstance(startParams(environ))).instance.id;
    const second = (await environ.startInstance(startParams(environ, { machineId: '1' }))).instance.id;
    environ.faults.failStopIds.add(second);
    await assert.rejects(environ.stopInstances({ ids: [first, second], waitUntilGone: true }), new RegExp(`did not stop ${second} .*failStopIds`));
    assert.deepEqual((await environ.allInstances({})).map((i) => i.id), [second]);
    environ.faults.failStopIds.clear();
    await environ.stopInstances({ ids: [first, second], waitUntilGone: true });
    assert.deepEqual(await environ.allInstances({}), []);
    assert.ok(environ.machines().every((m) => m.host === undefined), 'no SSH server is left');
  });
});

describe('fake provider cancellation', () => {
  it('cancels startInstance during its start delay and starts nothing', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.startDelayMs = 60_000;
    const controller = new AbortController();
    const starting = environ.startInstance(startParams(environ, { signal: controller.signal }));
    controller.abort();
    await rejectsWithCode(starting, ErrorCode.Cancelled);
    assert.deepEqual(environ.machines(), []);
  });

  it('rejects every method with CANCELLED on an aborted signal', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const signal = AbortSignal.abort();
    const calls: Promise<unknown>[] = [
      environ.preflight({ signal }),
      environ.prepare({ signal }),
      environ.startInstance(startParams(environ, { signal })),
      environ.stopInstances({ ids: [], signal }),
      environ.instances({ ids: [], signal }),
      environ.allInstances({ signal }),
      environ.teardown({ signal }),
      environ.availabilityZones({ signal }),
      environ.instanceZones({ ids: [], signal }),
      environ.deriveZones({ start: { machineId: '0', constraints: {}, tags: {} }, signal }),
      environ.instanceTypes({ signal }),
      fake.provider.open({ environment: environ.environment, config: {}, dataDir: '/nonexistent', signal }),
    ];
    for (const call of calls) await rejectsWithCode(call, ErrorCode.Cancelled);
    assert.deepEqual(environ.machines(), []);
  });
});

describe('fake provider lifecycle', () => {
  it('stops idempotently, ignoring unknown ids, and never reuses an id', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const { instance } = await environ.startInstance(startParams(environ));
    await environ.stopInstances({ ids: [instance.id, 'fake-999999'], waitUntilGone: true });
    await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
    assert.deepEqual(await environ.instances({ ids: [instance.id, 'fake-999999'] }), [undefined, undefined]);
    assert.deepEqual(await environ.allInstances({}), []);
    const next = await environ.startInstance(startParams(environ));
    assert.notEqual(next.instance.id, instance.id);
  });

  it('lists and stops only the machines carrying its environment tag', async () => {
    const mine = fake.openEnviron(newEnvironment('mine'));
    const theirs = fake.openEnviron(newEnvironment('theirs'));
    const own = (await mine.startInstance(startParams(mine))).instance.id;
    const other = (await theirs.startInstance(startParams(theirs))).instance.id;
    assert.deepEqual((await mine.allInstances({})).map((i) => i.id), [own]);
    assert.deepEqual((await mine.instances({ ids: [other, own] })).map((i) => i?.id), [undefined, own]);
    await mine.stopInstances({ ids: [other], waitUntilGone: true });
    assert.deepEqual((await theirs.allInstances({})).map((i) => i.id), [other], 'another environment’s machine is untouched');
  });

  it('refuses tags without the ownership tags, unknown zones and unknown instance types', async () => {
    const environ = fake.openEnviron(newEnvironment());
    await rejectsWithCode(environ.startInstance(startParams(environ, { tags: { Name: 'x' } })), ErrorCode.ConfigInvalid);
    await rejectsWithCode(environ.startInstance(startParams(environ, { zone: 'zone-z' })), ErrorCode.ConfigInvalid);
    await rejectsWithCode(environ.startInstance(startParams(environ, { instanceType: 'huge' })), ErrorCode.ConfigInvalid);
    assert.deepEqual(environ.machines(), []);
  });

  it('creates its security group once in prepare and removes it in teardown', async () => {
    const environ = fake.openEnviron(newEnvironment());
    const first = await environ.prepare({});
    const second = await environ.prepare({});
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.deepEqual(second.resources, first.resources);
    assert.deepEqual(await environ.teardown({}), { removed: [`security group ${String(first.resources['securityGroup'])}`], failures: [] });
    assert.deepEqual(await environ.teardown({}), { removed: [], failures: [] });
  });

  it('records every call with its ids, zone and machine id', async () => {
    const environ = fake.openEnviron(newEnvironment());
    environ.faults.quotaExceeded = true;
    await environ.startInstance(startParams(environ, { machineId: '3', zone: 'zone-c' })).catch(() => undefined);
    await environ.instances({ ids: ['fake-1'] });
    await environ.stopInstances({ ids: ['fake-1', 'fake-2'] });
    assert.deepEqual(environ.calls, [
      { method: 'startInstance', machineId: '3', zone: 'zone-c' },
      { method: 'instances', ids: ['fake-1'] },
      { method: 'stopInstances', ids: ['fake-1', 'fake-2'] },
    ]);
  });

  it('close stops every machine and may be called again', async () => {
    const environ = fake.openEnviron(newEnvironment());
    await environ.startInstance(startParams(environ));
    await environ.startInstance(startParams(environ, { machineId: '1' }));
    await environ.close();
    await environ.close();
    assert.ok(environ.machines().every((m) => m.status === 'terminated' && m.host === undefined));
  });
});

describe('fake provider abilities and config', () => {
  it('has zones and an instance-type catalogue', async () => {
    const environ = fake.openEnviron(newEnvironment());
    assert.ok(isZoned(environ));
    assert.ok(hasInstanceTypes(environ));
    environ.faults.unavailableZones.add('zone-c');
    assert.deepEqual(await environ.availabilityZones({}), [
      { name: 'zone-a', available: true },
      { name: 'zone-b', available: true },
      { name: 'zone-c', available: false },
    ]);
    const { instance } = await environ.startInstance(startParams(environ, { zone: 'zone-c' }));
    assert.deepEqual(await environ.instanceZones({ ids: [instance.id, 'fake-999999'] }), ['zone-c', undefined]);
    assert.deepEqual(await environ.deriveZones({ start: { machineId: '0', constraints: {}, tags: {}, zone: 'zone-b' } }), ['zone-b']);
    assert.deepEqual(await environ.deriveZones({ start: { machineId: '0', constraints: {}, tags: {} } }), []);
    const types = await environ.instanceTypes({});
    assert.deepEqual(types.map((t) => [t.name, t.cores, t.memoryMiB, t.pricePerHour]), [
      ['small', 1, 1_024, 0.01],
      ['medium', 2, 4_096, 0.04],
      ['large', 4, 16_384, 0.16],
    ]);
  });

  it('reports every config problem at once, each with its path', () => {
    const result = fake.provider.validateConfig({ config: { zones: ['zone-a', 7, 'zone-a'], region: 'x' } });
    assert.equal(result.ok, false);
    assert.deepEqual(result.problems.map((p) => p.path), ['region', 'zones[1]', 'zones[2]']);
    assert.deepEqual(fake.provider.validateConfig({ config: { zones: ['z1'] } }), { ok: true, config: { zones: ['z1'] } });
    assert.deepEqual(fake.provider.validateConfig({ config: undefined }), { ok: true, config: {} });
    assert.equal(fake.provider.validateConfig({ config: 'zones' }).ok, false);
  });

  it('opens the same environ for the same environment, with the zones of its config', async () => {
    const environment = newEnvironment();
    const opened = await fake.provider.open({ environment, config: { zones: ['z1', 'z2'] }, dataDir: '/nonexistent' });
    assert.equal(fake.openEnviron(environment), opened);
    assert.equal(fake.environs.get(environment.uuid), opened);
    assert.deepEqual((await opened.availabilityZones({})).map((z) => z.name), ['z1', 'z2']);
    assert.equal(opened.storage(), opened.storage());
    assert.notEqual(opened.storage(), fake.openEnviron(newEnvironment()).storage());
  });

  it('registers as the provider named fake', () => {
    const registry = new ProviderRegistry();
    registry.register(fake.provider);
    assert.equal(registry.get('fake').capabilities.maxUserDataBytes, 16_384);
  });
});
