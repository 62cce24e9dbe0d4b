import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  adoptMachines,
  bootstrap,
  connectMachine,
  CredentialsError,
  ErrorCode,
  errorCodeOf,
  generateSshKeyPair,
  loadState,
  machineRecords,
  machineTags,
  machineUserData,
  recordMachine,
  reserveMachineIds,
  type AdoptMachinesParams,
  type Environ,
  type FlowEvent,
  type SshKeyPair,
  type UserDataEnviron,
} from '../../../src/index.js';
import type { FakeEnviron } from '../../../src/testing/index.js';
import { coreOnly } from '../../fakes/environs.js';
import { describeForEachMachineKind, fakeEnvironment } from '../bootstrap/fixtures.js';

const fast = { waitSshMs: 20_000, waitSshTunables: { refreshMinMs: 5, refreshMaxMs: 20 } };

/**
 * What add-machine killed between starting an instance and recording it leaves: an
 * instance tagged as machine `machineId`, booted from envboot's own user-data, that
 * provider-state does not list. Returns its id and its host public key.
 */
async function startUnrecorded(environ: FakeEnviron, clientKey: SshKeyPair, machineId: string): Promise<{ id: string; hostKey: string; nonce: string }> {
  const made = machineUserData({ clientPublicKey: clientKey.publicKey, machineId, capabilities: environ.capabilities });
  const { instance } = await environ.startInstance({ machineId, constraints: {}, userData: made.userData, tags: machineTags(environ.environment, machineId) });
  return { id: instance.id, hostKey: made.hostKey.publicKey, nonce: made.nonce };
}

async function records(environ: Environ): Promise<{ id: string; instanceId: string; user?: string }[]> {
  return machineRecords((await loadState({ storage: environ.storage() })).state).map((r) => ({ id: r.id, instanceId: r.instanceId, ...(r.user === undefined ? {} : { user: r.user }) }));
}

async function adopt(params: Omit<AdoptMachinesParams, 'timeouts'>): ReturnType<typeof adoptMachines> {
  return adoptMachines({ ...params, timeouts: fast });
}

/** The code and message of each refusal, by instance id. */
function refusals(result: Awaited<ReturnType<typeof adoptMachines>>): Record<string, string> {
  return Object.fromEntries(result.refused.map((r) => [r.instanceId, `${errorCodeOf(r.error) ?? '?'}: ${r.error.message}`]));
}

describeForEachMachineKind('adoptMachines', (kind) => {
  it('records an unrecorded instance as the machine its tag names, proven by the host key and nonce its user-data holds, and reachable after', async () => {
    const environ = fakeEnvironment('adopt', kind);
    const { clientKey } = await bootstrap({ environ });
    await reserveMachineIds({ storage: environ.storage(), count: 2 });
    const orphan = await startUnrecorded(environ, clientKey, '1');
    const events: FlowEvent[] = [];
    const result = await adopt({ environ, instanceIds: [orphan.id], clientKey, onEvent: (event) => events.push(event) });

    assert.deepEqual(result.refused, []);
    assert.deepEqual(result.adopted.map((m) => [m.machineId, m.instance.id, m.provenBy, m.user, m.hostKeys]), [['1', orphan.id, 'user-data', environ.sshUser, [orphan.hostKey]]]);
    const [controller] = await records(environ);
    assert.deepEqual(await records(environ), [controller, { id: '1', instanceId: orphan.id }], 'recorded, no user beside the provider\'s');
    const { state } = await loadState({ storage: environ.storage() });
    const record = machineRecords(state).find((r) => r.id === '1');
    assert.equal(record?.zone, 'zone-a');
    assert.equal(record.pending, undefined, 'recorded ready');
    assert.ok(environ.calls.some((c) => c.method === 'instanceUserData' && c.ids?.[0] === orphan.id));
    assert.ok(!JSON.stringify(events).includes(orphan.nonce), 'no event carries the nonce');
    assert.ok(events.some((e) => e.type === 'phase.finished' && e.phase === 'wait-ssh' && e.machineId === '1'));

    const { connection } = await connectMachine({ environ, machineId: '1', clientKey });
    try {
      assert.equal((await connection.exec({ command: 'echo adopted' })).stdout.toString(), 'adopted\n');
    } finally {
      connection.close();
    }
  });

  it('refuses, before proving or writing anything, ids that are recorded already or name no instance of the environment', async () => {
    const environ = fakeEnvironment('adopt', kind);
    const { clientKey } = await bootstrap({ environ });
    const orphan = await startUnrecorded(environ, clientKey, '1');
    const before = await records(environ);
    const controller = before[0]?.instanceId ?? '';
    const asked = environ.calls.length;
    await assert.rejects(adopt({ environ, instanceIds: [orphan.id, controller, 'fake-999'], clientKey }), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.ConfigInvalid);
      assert.match(error.message, new RegExp(`${controller}: is already machine 0 \\(the controller\\)`));
      assert.match(error.message, /fake-999: is not an instance of environment "adopt"/);
      assert.match(error.message, new RegExp(`unrecorded instances that can be adopted: ${orphan.id} \\("envboot status adopt" lists them\\)`));
      assert.doesNotMatch(error.message, new RegExp(`${orphan.id}: `), 'the good id is not a problem');
      return true;
    });
    assert.deepEqual(await records(environ), before, 'nothing was recorded');
    assert.ok(!environ.calls.slice(asked).some((c) => c.method === 'instanceUserData'), 'nothing was proven');
    await assert.rejects(adopt({ environ, instanceIds: [], clientKey }), { code: ErrorCode.ConfigInvalid, message: /name at least one instance id/ });
    await assert.rejects(adopt({ environ, instanceIds: [orphan.id], clientKey, user: 'root; rm' }), { code: ErrorCode.ConfigInvalid, message: /--user "root; rm" is not a user name/ });
    await assert.rejects(adopt({ environ, instanceIds: [orphan.id], clientKey, hostKeys: ['ssh-ed25519 not-base64!', orphan.hostKey] }), {
      code: ErrorCode.ConfigInvalid,
      message: /host keys must be OpenSSH public key lines[\s\S]*host-key: "ssh-ed25519 not-base64!" is not one/,
    });
  });

  it('gives a fresh machine id to an instance whose tagged id another machine has, and refuses machine 0 and a failed instance with what to do', async () => {
    const environ = fakeEnvironment('adopt', kind);
    const { clientKey } = await bootstrap({ environ });
    const twin = await startUnrecorded(environ, clientKey, '0');
    const clash = await startUnrecorded(environ, clientKey, '1');
    await recordElsewhere(environ, '1');
    environ.faults.failBoot = true;
    const broken = await startUnrecorded(environ, clientKey, '7');
    environ.faults.failBoot = false;
    await waitForStatus(environ, broken.id, 'failed');

    const result = await adopt({ environ, instanceIds: [twin.id, clash.id, broken.id], clientKey });
    assert.deepEqual(result.adopted.map((m) => [m.machineId, m.instance.id]), [['2', clash.id]], 'machine 1 is taken: the next free id');
    const refused = refusals(result);
    assert.match(refused[twin.id] ?? '', /^CONFIG_INVALID: instance \S+ is machine 0, the controller of a bootstrap that did not finish: "envboot bootstrap adopt --resume" goes on with it$/);
    assert.match(refused[broken.id] ?? '', /^INSTANCE_FAILED: instance \S+ is failed .*"envboot remove-machine adopt \S+" removes what is left of it$/);
    assert.deepEqual((await records(environ)).map((r) => r.id), ['0', '1', '2']);
  });

  it('proves an instance by a host key the operator gave where the provider cannot read user-data back, and refuses a wrong one at once', async () => {
    const fakeEnviron = fakeEnvironment('adopt', kind);
    const environ = coreOnly(fakeEnviron);
    const { clientKey } = await bootstrap({ environ });
    const orphan = await startUnrecorded(fakeEnviron, clientKey, '1');
    await assert.rejects(adopt({ environ, instanceIds: [orphan.id], clientKey }), {
      code: ErrorCode.ConfigInvalid,
      message: /the fake provider cannot read an instance's user-data back.*give its host public key with --host-key \(from the machine's console, or "ssh-keyscan"/,
    });

    const started = Date.now();
    const wrong = await adopt({ environ, instanceIds: [orphan.id], clientKey, hostKeys: [generateSshKeyPair({ comment: 'not-it' }).publicKey] });
    assert.match(refusals(wrong)[orphan.id] ?? '', /^SSH_HOST_KEY_MISMATCH: .*presented host key SHA256:\S+, not the pinned SHA256:/);
    assert.ok(Date.now() - started < fast.waitSshMs / 2, 'a wrong host key ends the wait at once');
    assert.deepEqual((await records(environ)).map((r) => r.id), ['0']);

    const right = await adopt({ environ, instanceIds: [orphan.id], clientKey, hostKeys: [`${orphan.hostKey}  `] });
    assert.deepEqual(right.refused, []);
    assert.deepEqual(right.adopted.map((m) => [m.machineId, m.provenBy]), [['1', 'host-key']]);
    const { connection } = await connectMachine({ environ, machineId: '1', clientKey });
    connection.close();
  });

  it('checks a given host key against the one in the user-data, without connecting, and says where the user-data proves nothing', async () => {
    const environ = fakeEnvironment('adopt', kind);
    const { clientKey } = await bootstrap({ environ });
    const orphan = await startUnrecorded(environ, clientKey, '1');
    const other = generateSshKeyPair({ comment: 'elsewhere' }).publicKey;
    const wrong = await adopt({ environ, instanceIds: [orphan.id], clientKey, hostKeys: [other] });
    assert.match(refusals(wrong)[orphan.id] ?? '', /^SSH_HOST_KEY_MISMATCH: instance \S+ was started with host key SHA256:\S+, not the SHA256:\S+ given with --host-key/);
    assert.deepEqual(wrong.phases, [], 'nothing was connected to');

    const plain = await environ.startInstance({ machineId: '2', constraints: {}, userData: new TextEncoder().encode('#cloud-config\n'), tags: machineTags(environ.environment, '2') });
    const both = await adopt({ environ, instanceIds: [plain.instance.id, orphan.id], clientKey, hostKeys: [other, orphan.hostKey] });
    assert.deepEqual(both.adopted.map((m) => [m.machineId, m.provenBy]), [['1', 'user-data']]);
    assert.match(refusals(both)[plain.instance.id] ?? '', /^SSH_HOST_KEY_MISMATCH: /, 'the operator\'s keys are pinned, and it has neither');
    const unproven = await adopt({ environ, instanceIds: [plain.instance.id], clientKey });
    assert.match(refusals(unproven)[plain.instance.id] ?? '', /^CONFIG_INVALID: the user-data of instance \S+ holds no host key envboot can prove it by: give its host public key with --host-key/);
  });

  it('logs in as --user and records it when it is not the provider\'s; a cloud image refuses root, saying whom to log in as', async () => {
    const environ = fakeEnvironment('adopt', kind);
    const { clientKey } = await bootstrap({ environ });
    const orphan = await startUnrecorded(environ, clientKey, '1');
    if (kind.defaultUser === undefined) {
      // These machines take any user name and run as this process's user.
      const result = await adopt({ environ, instanceIds: [orphan.id], clientKey, user: 'operator' });
      assert.deepEqual(result.adopted.map((m) => m.user), ['operator']);
      assert.deepEqual((await records(environ)).find((r) => r.id === '1'), { id: '1', instanceId: orphan.id, user: 'operator' });
      return;
    }
    const refused = await adopt({ environ, instanceIds: [orphan.id], clientKey, user: 'root' });
    assert.match(refusals(refused)[orphan.id] ?? '', new RegExp(`^SSH_NONCE_UNREADABLE: .*${kind.defaultUser}`));
    const result = await adopt({ environ, instanceIds: [orphan.id], clientKey, user: kind.defaultUser });
    assert.deepEqual(result.adopted.map((m) => m.user), [kind.defaultUser]);
    assert.deepEqual((await records(environ)).find((r) => r.id === '1'), { id: '1', instanceId: orphan.id }, 'the provider\'s own user is not recorded');
  });

  it('proves an instance by the host key given when the cloud refuses to give its user-data, and says so; without one the refusal is the reason', async () => {
    const fakeEnviron = fakeEnvironment('adopt', kind);
    const refusing: Environ & UserDataEnviron = {
      ...coreOnly(fakeEnviron),
      instanceUserData: () => Promise.reject(new CredentialsError('reading the user-data: the credentials lack the ec2:DescribeInstanceAttribute permission')),
    };
    const { clientKey } = await bootstrap({ environ: refusing });
    const orphan = await startUnrecorded(fakeEnviron, clientKey, '1');
    const without = await adopt({ environ: refusing, instanceIds: [orphan.id], clientKey });
    assert.match(refusals(without)[orphan.id] ?? '', /^CREDENTIALS_INVALID: .*lack the ec2:DescribeInstanceAttribute permission/);
    const events: FlowEvent[] = [];
    const withKey = await adopt({ environ: refusing, instanceIds: [orphan.id], clientKey, hostKeys: [orphan.hostKey], onEvent: (event) => events.push(event) });
    assert.deepEqual(withKey.adopted.map((m) => [m.machineId, m.provenBy]), [['1', 'host-key']]);
    assert.ok(events.some((e) => e.type === 'warning' && /reading the user-data of instance \S+ failed .*; proving it by the host key given/.test(e.message)));
  });
});

/** Records machine `id` on an instance of no one's, as a concurrent run would have. */
async function recordElsewhere(environ: FakeEnviron, id: string): Promise<void> {
  await recordMachine({ storage: environ.storage(), machine: { id, instanceId: 'fake-elsewhere', hostKeys: [] } });
}

async function waitForStatus(environ: FakeEnviron, id: string, status: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 10) {
    const [instance] = await environ.instances({ ids: [id] });
    if (instance?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`instance ${id} did not become ${status}`);
}
