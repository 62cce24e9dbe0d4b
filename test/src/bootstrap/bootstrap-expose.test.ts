import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, bootstrapProgress, hasFirewall, loadState, type FlowEvent, type IngressRule } from '../../../src/index.js';
import type { FakeEnviron } from '../../../src/testing/index.js';
import { assertNothingLeft, fakeEnvironment, recorder } from './fixtures.js';
import { coreOnly } from '../../fakes/environs.js';

const expose: IngressRule[] = [
  { protocol: 'tcp', fromPort: 443, toPort: 443, sourceCidrs: ['0.0.0.0/0', '::/0'] },
  { protocol: 'tcp', fromPort: 8000, toPort: 8100, sourceCidrs: ['10.0.0.0/8'] },
];

/** The phases started, in order. */
function phasesStarted(events: readonly FlowEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'phase.started' ? [e.phase] : []));
}

/** The calls among `methods`, in order. */
function callsOf(environ: FakeEnviron, methods: readonly string[]): string[] {
  return environ.calls.map((c) => c.method).filter((method) => methods.includes(method));
}

const firewallCalls = ['ingressRules', 'openPorts', 'closePorts'];

describe('bootstrap with expose', () => {
  it('opens the ports after prepare and before the controller starts, and returns what is open', async () => {
    const environ = fakeEnvironment();
    const { events, onEvent } = recorder();
    const result = await bootstrap({ environ, expose, onEvent });
    assert.deepEqual(phasesStarted(events).slice(0, 6), ['preflight', 'claim', 'prepare', 'open-ports', 'generate-keys', 'start-instance']);
    assert.deepEqual(result.phases.map((p) => p.phase).slice(0, 6), ['preflight', 'claim', 'prepare', 'open-ports', 'generate-keys', 'start-instance']);
    assert.ok(events.some((e) => e.type === 'phase.finished' && e.phase === 'open-ports'));
    assert.deepEqual(callsOf(environ, ['prepare', 'startInstance', ...firewallCalls]), ['prepare', 'ingressRules', 'openPorts', 'startInstance']);
    assert.deepEqual(result.openPorts, expose);
    assert.deepEqual(await environ.ingressRules({}), expose);
  });

  it('refuses expose on a provider without a firewall before the claim: nothing written, nothing prepared', async () => {
    const fake = fakeEnvironment();
    const environ = coreOnly(fake);
    assert.ok(!hasFirewall(environ));
    const { events, onEvent } = recorder();
    await assert.rejects(bootstrap({ environ, expose, onEvent }), { code: 'CONFIG_INVALID', message: /^the fake provider has no firewall, so envboot cannot open or close ports/ });
    assert.deepEqual(phasesStarted(events), ['preflight']);
    assert.deepEqual((await fake.storage().list({})).objects, [], 'no provider-state was written');
    assert.deepEqual(callsOf(fake, ['prepare', 'startInstance', 'teardown']), []);
    await assertNothingLeft(fake);
  });

  it('undoes everything when opening the ports fails: the controller never starts', async () => {
    const environ = fakeEnvironment();
    environ.faults.openPortsFails = true;
    const { events, onEvent } = recorder();
    await assert.rejects(bootstrap({ environ, expose, onEvent }), { code: 'QUOTA_EXCEEDED' });
    assert.ok(events.some((e) => e.type === 'phase.failed' && e.phase === 'open-ports' && e.code === 'QUOTA_EXCEEDED'));
    assert.deepEqual(callsOf(environ, ['prepare', 'openPorts', 'startInstance', 'teardown']), ['prepare', 'openPorts', 'teardown']);
    assert.ok(events.some((e) => e.type === 'cleanup.removed' && e.resource.startsWith('provider-state')));
    await assertNothingLeft(environ);
  });

  it('keeps what it made with keepBroken, marking the bootstrap failed at open-ports', async () => {
    const environ = fakeEnvironment();
    environ.faults.openPortsFails = true;
    await assert.rejects(bootstrap({ environ, expose, keepBroken: true }), { code: 'QUOTA_EXCEEDED' });
    assert.deepEqual(callsOf(environ, ['startInstance', 'teardown']), []);
    const progress = bootstrapProgress((await loadState({ storage: environ.storage() })).state);
    assert.equal(progress.status, 'failed');
    const failure = progress.failure ?? assert.fail('provider-state records no failure');
    assert.deepEqual([failure.phase, failure.code], ['open-ports', 'QUOTA_EXCEEDED']);
    assert.match(failure.message, /rule limit/);
    assert.equal((await environ.prepare({})).created, false, 'the security group is kept');
  });

  it('runs no open-ports phase and touches no firewall for an empty expose list', async () => {
    const environ = fakeEnvironment();
    const { events, onEvent } = recorder();
    const result = await bootstrap({ environ, expose: [], onEvent });
    assert.ok(!phasesStarted(events).includes('open-ports'));
    assert.ok(!result.phases.some((p) => p.phase === 'open-ports'));
    assert.deepEqual(callsOf(environ, firewallCalls), []);
    assert.ok(!('openPorts' in result), 'no openPorts without expose');
  });

  it('bootstraps a provider without a firewall when nothing is to be exposed', async () => {
    const fake = fakeEnvironment();
    const result = await bootstrap({ environ: coreOnly(fake), expose: [] });
    assert.equal(result.controller.id, '0');
    assert.ok(!('openPorts' in result));
  });
});
