import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloudConfig } from '../../../cloudinit/index.js';
import {
  bootstrap,
  errorCodeOf,
  loadState,
  planBootstrap,
  readOnlyEnviron,
  saveState,
  startedBootstrap,
  type IngressRule,
  type PlanBootstrapParams,
} from '../../../src/index.js';
import { assertNothingLeft, fakeEnvironment } from '../bootstrap/fixtures.js';
import { assertOnlyReads, failureOf, methodsCalled, without } from './fixtures.js';

const https: IngressRule = { protocol: 'tcp', fromPort: 443, toPort: 443, sourceCidrs: ['0.0.0.0/0'] };

describe('planBootstrap', () => {
  it('plans the controller with read-only calls only: the cheapest type that fits, its price and why, zones in order, what would be created', async () => {
    const environ = fakeEnvironment('plan');
    const plan = await planBootstrap({ environ, constraints: { cores: 2 }, expose: [https] });
    assertOnlyReads(environ);
    await assertNothingLeft(environ);
    const [controller] = plan.machines;
    assert.ok(controller !== undefined);
    assert.equal(controller.machineId, '0');
    assert.equal(controller.controller, true);
    assert.deepEqual(controller.zones, ['zone-a', 'zone-b', 'zone-c']);
    assert.equal(controller.instanceType?.name, 'medium');
    assert.equal(controller.instanceType.pricePerHour, 0.04);
    assert.match(controller.instanceType.reason, /^the cheapest type that meets cores=2$/);
    assert.deepEqual(controller.instanceType.alternatives.map((t) => t.name), ['large', 'only-b']);
    assert.deepEqual(controller.provider?.resources.map((r) => `${r.action} ${r.kind}`), ['create security-group']);
    assert.deepEqual(plan.calls.filter((c) => c.writes).map((c) => c.action), ['fake:prepare', 'fake:openPorts', 'fake:startInstance']);
    assert.equal(plan.kind, 'bootstrap');
    assert.equal(plan.zoneOrder, 'fail-over');
    assert.deepEqual(plan.expose, [https]);
    assert.ok(plan.userData.gzip);
    assert.ok(plan.userData.bytes > 200 && plan.userData.bytes < plan.userData.limit, `user-data of ${String(plan.userData.bytes)} bytes`);
    assert.equal(plan.storage, environ.storage().description);
  });

  it('lists the calls the real bootstrap then makes, in order', async () => {
    const environ = fakeEnvironment('plan');
    const plan = await planBootstrap({ environ, expose: [https] });
    const from = environ.calls.length;
    await bootstrap({ environ, expose: [https] });
    const planned = [...new Set(plan.calls.map((c) => c.action.replace(/^fake:/, '')))];
    assert.deepEqual(planned, methodsCalled(environ, from));
  });

  it('sizes the cloud-config script run over SSH, and says the zone a start is pinned to', async () => {
    const environ = fakeEnvironment('plan');
    const config: CloudConfig = { write_files: [{ path: '/etc/motd', content: 'planned\n'.repeat(100) }] };
    const plan = await planBootstrap({ environ, controllerConfig: config, zone: 'zone-c' });
    assert.ok((plan.cloudConfigBytes ?? 0) > 800, `script of ${String(plan.cloudConfigBytes)} bytes`);
    assert.deepEqual(plan.machines[0]?.zones, ['zone-c']);
    const bare = await planBootstrap({ environ });
    assert.equal(bare.cloudConfigBytes, undefined);
  });

  it('refuses what bootstrap refuses, with the same error, and creates nothing', async () => {
    const refused: [string, Omit<PlanBootstrapParams, 'environ'>][] = [
      ['unmet cores', { constraints: { cores: 64 } }],
      ['an instance type not offered', { constraints: { instanceType: 'huge' } }],
      ['an unknown zone', { zone: 'zone-z' }],
      ['a type not offered in the asked zone', { constraints: { instanceType: 'only-b', zones: ['zone-a'] } }],
      ['an invalid cloud-config', { controllerConfig: { runcmd: 'not a list' } as unknown as CloudConfig }],
      ['packages on a provider without them', { controllerConfig: { packages: ['nginx'] } }],
    ];
    for (const [what, params] of refused) {
      const planned = await failureOf(planBootstrap({ ...params, environ: fakeEnvironment('plan') }));
      const real = await failureOf(bootstrap({ ...params, environ: fakeEnvironment('real') }));
      assert.equal(errorCodeOf(planned), 'CONFIG_INVALID', `${what}: ${planned.message}`);
      assert.equal(planned.message, real.message, what);
    }
    const environ = fakeEnvironment('plan');
    const unfirewalled = without(environ, ['ingressRules', 'openPorts', 'closePorts']);
    const planned = await failureOf(planBootstrap({ environ: unfirewalled, expose: [https] }));
    const real = await failureOf(bootstrap({ environ: without(fakeEnvironment('real'), ['ingressRules', 'openPorts', 'closePorts']), expose: [https] }));
    assert.equal(errorCodeOf(planned), 'CONFIG_INVALID');
    assert.equal(planned.message, real.message);
    await assertNothingLeft(environ);
  });

  it('says an environment with provider-state is already bootstrapped, as the claim would, and changes nothing', async () => {
    const environ = fakeEnvironment('plan');
    const storage = environ.storage();
    await saveState({ storage, state: { stateInstances: [], fields: { ...startedBootstrap() } }, expect: 'create' });
    const before = await loadState({ storage });
    const error = await failureOf(planBootstrap({ environ }));
    assert.equal(errorCodeOf(error), 'ALREADY_BOOTSTRAPPED');
    assert.match(error.message, /provider-state exists in .*its bootstrap did not finish: "envboot bootstrap --resume" goes on with it/);
    assert.equal((await loadState({ storage })).version, before.version);
    assertOnlyReads(environ);
  });

  it('plans what common code knows on a provider without the plan ability, and says what is missing', async () => {
    const environ = fakeEnvironment('plan');
    const plan = await planBootstrap({ environ: without(environ, ['planStart']), constraints: { cores: 4 } });
    const [controller] = plan.machines;
    assert.ok(controller !== undefined);
    assert.equal(controller.provider, undefined);
    assert.equal(controller.instanceType?.name, 'large');
    assert.deepEqual(controller.zones, ['zone-a', 'zone-b', 'zone-c']);
    assert.deepEqual(plan.calls, []);
    assert.ok(plan.notes.some((note) => /the fake provider has no plan ability/.test(note)), plan.notes.join('; '));
    assert.equal(environ.calls.some((call) => call.method === 'planStart'), false);
  });
});

describe('readOnlyEnviron', () => {
  it('passes reads through and refuses every change, on the Environ and on its storage', async () => {
    const environ = fakeEnvironment('guarded');
    const guarded = readOnlyEnviron(environ);
    assert.deepEqual((await guarded.availabilityZones({})).map((zone) => zone.name), ['zone-a', 'zone-b', 'zone-c']);
    await assert.rejects(guarded.prepare({}), /a plan must not change anything, but the fake Environ's prepare was called/);
    await assert.rejects(guarded.startInstance({ machineId: '0', constraints: {}, userData: new Uint8Array(), tags: {} }), /startInstance was called/);
    await assert.rejects(guarded.storage().put({ key: 'x', body: 'y' }), /fake storage's put was called/);
    assert.deepEqual((await guarded.storage().list({})).objects, []);
    assert.deepEqual(environ.calls.map((call) => call.method), ['availabilityZones']);
    await assertNothingLeft(environ);
  });
});
