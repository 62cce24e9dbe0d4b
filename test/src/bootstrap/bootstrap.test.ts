import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  bootstrap,
  isAlreadyBootstrapped,
  loadState,
  machineRecords,
  type Constraints,
} from '../../../src/index.js';
import type { CloudConfig } from '../../../cloudinit/index.js';
import { assertNothingLeft, describeForEachMachineKind, fakeEnvironment, recorder, runOn } from './fixtures.js';

const controllerConfig: CloudConfig = {
  write_files: [{ path: '/etc/app.conf', content: 'port = 8080\n' }],
  runcmd: [['sh', '-c', 'echo configured > "$ENVBOOT_ROOT/etc/marker"']],
};

describeForEachMachineKind('bootstrap', (kind) => {
  it('starts, verifies, records and configures the controller, reporting every phase', async () => {
    const environ = fakeEnvironment('test', kind);
    const { events, onEvent } = recorder();
    const result = await bootstrap({ environ, controllerConfig, constraints: { cores: 2 }, onEvent });

    assert.equal(result.controller.id, '0');
    assert.equal(result.instanceType, 'medium', 'the cheapest type with 2 cores');
    assert.equal(result.controller.zone, 'zone-a');
    assert.ok(result.controller.addresses.length > 0);
    const { state } = await loadState({ storage: environ.storage() });
    assert.deepEqual(state.stateInstances, [result.controller.instance.id]);
    assert.deepEqual(machineRecords(state), [
      { id: '0', instanceId: result.controller.instance.id, zone: 'zone-a', hostKeys: result.controller.hostKeys },
    ]);
    assert.equal(await runOn(result.controller, result.clientKey, environ.sshUser, 'cat "$ENVBOOT_ROOT/etc/app.conf" "$ENVBOOT_ROOT/etc/marker"'), 'port = 8080\nconfigured\n');
    const phases = result.phases.map((p) => p.phase);
    assert.deepEqual(phases, ['preflight', 'claim', 'prepare', 'generate-keys', 'start-instance', 'record-state', 'wait-ssh', 'configure']);
    assert.ok(events.some((e) => e.type === 'configure' && e.event.type === 'configure.step'));
    assert.ok(!JSON.stringify(events).includes('PRIVATE KEY'), 'no event carries a key');
  });

  it('fails over to the next zone on a capacity error, and stops at once on a zone-independent one', async () => {
    const environ = fakeEnvironment('test', kind);
    environ.faults.capacityZones.add('zone-a');
    const { events, onEvent } = recorder();
    const result = await bootstrap({ environ, onEvent });
    assert.equal(result.controller.zone, 'zone-b');
    assert.deepEqual(
      events.filter((e) => e.type === 'instance.start-failed').map((e) => [e.zone, e.code, e.next]),
      [['zone-a', 'CAPACITY_UNAVAILABLE', 'next-zone']],
    );

    const quota = fakeEnvironment('test', kind);
    quota.faults.quotaExceeded = true;
    await assert.rejects(bootstrap({ environ: quota }), { code: 'QUOTA_EXCEEDED' });
    assert.equal(quota.calls.filter((c) => c.method === 'startInstance').length, 1, 'no other zone was tried');
    await assertNothingLeft(quota);
  });

  it('reports no capacity in any zone with each zone named, and leaves nothing', async () => {
    const environ = fakeEnvironment('test', kind);
    for (const zone of ['zone-a', 'zone-b', 'zone-c']) environ.faults.capacityZones.add(zone);
    await assert.rejects(bootstrap({ environ }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAPACITY_UNAVAILABLE');
      assert.match(error.message, /zone-a: .*zone-b: .*zone-c: /);
      return true;
    });
    await assertNothingLeft(environ);
  });

  it('waits out a rate limit and tries the same zone again', async () => {
    const environ = fakeEnvironment('test', kind);
    environ.faults.rateLimit = { times: 2, retryAfterMs: 30 };
    const result = await bootstrap({ environ });
    assert.equal(result.controller.zone, 'zone-a');
    assert.deepEqual(
      environ.calls.filter((c) => c.method === 'startInstance').map((c) => c.zone),
      ['zone-a', 'zone-a', 'zone-a'],
    );
  });

  it('fails on bad credentials at preflight, before anything is created', async () => {
    const environ = fakeEnvironment('test', kind);
    environ.faults.credentialsInvalid = true;
    await assert.rejects(bootstrap({ environ }), { code: 'CREDENTIALS_INVALID' });
    assert.deepEqual(environ.calls.map((c) => c.method), ['preflight']);
    environ.faults.credentialsInvalid = false;
    await assertNothingLeft(environ);
  });

  it('refuses bad input before claiming: unknown zone, unmet constraints, invalid cloud-config', async () => {
    const environ = fakeEnvironment('test', kind);
    await assert.rejects(bootstrap({ environ, zone: 'zone-z' }), { code: 'CONFIG_INVALID', message: /unknown zone "zone-z"; the zones here are: zone-a, zone-b, zone-c/ });
    await assert.rejects(bootstrap({ environ, constraints: { cores: 64 } }), { code: 'CONFIG_INVALID', message: /cores=64: the most cores of an instance type here is 8 \(only-b\)/ });
    await assert.rejects(bootstrap({ environ, constraints: { instanceType: 'huge' } }), { code: 'CONFIG_INVALID', message: /"huge" is not offered/ });
    await assert.rejects(bootstrap({ environ, controllerConfig: { runcmd: 'not a list' } as unknown as CloudConfig }), { code: 'CONFIG_INVALID', message: /runcmd/ });
    await assert.rejects(bootstrap({ environ, controllerConfig: { packages: ['nginx'] } }), { code: 'CONFIG_INVALID', message: /does not install OS packages; remove "packages"/ });
    assert.equal(environ.calls.filter((c) => c.method === 'startInstance' || c.method === 'prepare').length, 0);
    await assertNothingLeft(environ);
  });

  it('refuses every constraint the fake cloud cannot meet before the claim, naming it and what there is', async () => {
    const environ = fakeEnvironment('test', kind);
    const refusals: [Constraints, RegExp][] = [
      [{ cores: 64 }, /cores=64: the most cores of an instance type here is 8 \(only-b\); ask for cores=8 or fewer/],
      [{ memoryMiB: 1024 ** 2 }, /mem=1T: the most memory of an instance type here is 32 GiB \(only-b\); ask for mem=32G or less/],
      [{ arch: 'arm64' }, /arch=arm64: no instance type here is arm64; they are amd64: remove arch= or ask for arch=amd64/],
      [{ rootDiskMiB: 2 * 1024 ** 2 }, /root-disk=2T: the largest root disk of an instance type here is 1 TiB/],
      [{ instanceType: 'm5.large' }, /instance type "m5\.large" is not offered here; choose one of: small, medium, large, only-b/],
      [{ zones: ['zone-z'] }, /unknown zone "zone-z"; the zones here are: zone-a, zone-b, zone-c; fix zones= in the constraints/],
      [{ instanceType: 'only-b', zones: ['zone-a'] }, /zone-a does not offer instance type only-b; instance type only-b is offered in: zone-b/],
    ];
    for (const [constraints, message] of refusals) {
      await assert.rejects(bootstrap({ environ, constraints }), { code: 'CONFIG_INVALID', message: /^the fake provider cannot meet the constraints "[^"]+" \(nothing was created\):\n/ });
      await assert.rejects(bootstrap({ environ, constraints }), { message });
    }
    assert.deepEqual(environ.calls.filter((c) => !['preflight', 'availabilityZones', 'instanceTypes', 'deriveZones'].includes(c.method)), [], 'only read-only calls');
    await assertNothingLeft(environ);
  });

  it('starts the controller only in the zones that offer its instance type', async () => {
    const environ = fakeEnvironment('test', kind);
    const { events, onEvent } = recorder();
    const result = await bootstrap({ environ, constraints: { cores: 8 }, onEvent });
    assert.equal(result.instanceType, 'only-b');
    assert.equal(result.controller.zone, 'zone-b');
    assert.deepEqual(environ.calls.filter((c) => c.method === 'startInstance').map((c) => c.zone), ['zone-b'], 'zone-a, which lacks the type, is never tried');
    assert.ok(events.some((e) => e.type === 'instance-type.chosen' && e.instanceType === 'only-b'));
  });

  it('lets exactly one of two concurrent bootstraps of one environment win; the loser leaves nothing', async () => {
    const environ = fakeEnvironment('test', kind);
    const outcomes = await Promise.allSettled([bootstrap({ environ }), bootstrap({ environ })]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(isAlreadyBootstrapped(lost[0]?.reason), String(lost[0]?.reason));
    assert.equal((await environ.allInstances({})).length, 1, 'one controller only');
    assert.equal(environ.calls.filter((c) => c.method === 'startInstance').length, 1);
    await assert.rejects(bootstrap({ environ }), { code: 'ALREADY_BOOTSTRAPPED', message: /envboot destroy/ });
  });

  it('undoes everything when the instance fails to boot, or keeps it all with keepBroken', async () => {
    const environ = fakeEnvironment('test', kind);
    environ.faults.failBoot = true;
    const { events, onEvent } = recorder();
    await assert.rejects(bootstrap({ environ, onEvent }), { code: 'INSTANCE_FAILED' });
    assert.ok(events.some((e) => e.type === 'cleanup.removed' && e.resource.startsWith('instance ')));
    await assertNothingLeft(environ);

    const kept = fakeEnvironment('test', kind);
    kept.faults.failBoot = true;
    await assert.rejects(bootstrap({ environ: kept, keepBroken: true }), { code: 'INSTANCE_FAILED' });
    assert.equal((await kept.allInstances({})).length, 1, 'the broken instance is kept');
    assert.equal((await loadState({ storage: kept.storage() })).state.stateInstances.length, 1);
  });
});
