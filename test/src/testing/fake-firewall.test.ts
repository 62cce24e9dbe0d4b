import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { ErrorCode, hasFirewall, type IngressRule } from '../../../src/index.js';
import { createFakeProvider, type FakeEnviron } from '../../../src/testing/index.js';
import { rejectsWithCode } from '../../helpers/rejects-with-code.js';

const anywhere = ['0.0.0.0/0', '::/0'];
const tcp = (fromPort: number, toPort: number, sourceCidrs: string[]): IngressRule => ({ protocol: 'tcp', fromPort, toPort, sourceCidrs });
const dns: IngressRule = { protocol: 'udp', fromPort: 53, toPort: 53, sourceCidrs: ['10.0.0.0/8'] };

const fake = createFakeProvider();
after(() => fake.close());

function newEnviron(name = 'test'): FakeEnviron {
  return fake.openEnviron({ name, uuid: randomUUID() });
}

describe('fake provider firewall', () => {
  it('has the firewall ability', () => {
    assert.ok(hasFirewall(newEnviron()));
  });

  it('refuses openPorts before prepare with CONFIG_INVALID, saying to prepare; lists and closes nothing then', async () => {
    const environ = newEnviron('unprepared');
    const error = await rejectsWithCode(environ.openPorts({ rules: [tcp(443, 443, anywhere)] }), ErrorCode.ConfigInvalid);
    assert.match(String(error), /environment "unprepared" has no security group on the fake cloud: prepare it first/);
    assert.deepEqual(await environ.ingressRules({}), []);
    await environ.closePorts({ rules: [tcp(443, 443, anywhere)] });
    await environ.prepare({});
    assert.deepEqual(await environ.ingressRules({}), [], 'the refused rule was not kept for later');
  });

  it('opens, lists (sorted, sources IPv4 first) and closes the pairs asked, once prepared', async () => {
    const environ = newEnviron();
    await environ.prepare({});
    await environ.openPorts({ rules: [dns, tcp(443, 443, ['::/0', '0.0.0.0/0']), tcp(80, 80, ['203.0.113.0/24'])] });
    assert.deepEqual(await environ.ingressRules({}), [tcp(80, 80, ['203.0.113.0/24']), tcp(443, 443, anywhere), dns]);
    await environ.openPorts({ rules: [tcp(443, 443, ['0.0.0.0/0', '10.0.0.0/8'])] });
    assert.deepEqual((await environ.ingressRules({}))[1], tcp(443, 443, ['0.0.0.0/0', '10.0.0.0/8', '::/0']), 'opening again adds only the new source');
    await environ.closePorts({ rules: [tcp(443, 443, ['::/0', '10.0.0.0/8']), tcp(80, 80, ['203.0.113.0/24'])] });
    assert.deepEqual(await environ.ingressRules({}), [tcp(443, 443, ['0.0.0.0/0']), dns]);
    await environ.closePorts({ rules: [tcp(80, 80, ['203.0.113.0/24']), tcp(8080, 8080, anywhere)] });
    assert.deepEqual(await environ.ingressRules({}), [tcp(443, 443, ['0.0.0.0/0']), dns], 'closing what is not open is success');
  });

  it('keeps each environment’s rules in its own security group', async () => {
    const mine = newEnviron('mine');
    const theirs = newEnviron('theirs');
    await mine.prepare({});
    await theirs.prepare({});
    await mine.openPorts({ rules: [tcp(443, 443, anywhere)] });
    assert.deepEqual(await theirs.ingressRules({}), []);
    await theirs.closePorts({ rules: [tcp(443, 443, anywhere)] });
    assert.deepEqual(await mine.ingressRules({}), [tcp(443, 443, anywhere)]);
  });

  it('forgets the rules at teardown: a new security group starts with none', async () => {
    const environ = newEnviron();
    await environ.prepare({});
    await environ.openPorts({ rules: [tcp(443, 443, anywhere)] });
    await environ.teardown({});
    assert.deepEqual(await environ.ingressRules({}), []);
    await rejectsWithCode(environ.openPorts({ rules: [dns] }), ErrorCode.ConfigInvalid);
    assert.equal((await environ.prepare({})).created, true);
    assert.deepEqual(await environ.ingressRules({}), []);
  });

  it('records every firewall call, failed ones included', async () => {
    const environ = newEnviron();
    await environ.openPorts({ rules: [dns] }).catch(() => undefined);
    await environ.prepare({});
    await environ.openPorts({ rules: [dns] });
    await environ.ingressRules({});
    await environ.closePorts({ rules: [dns] });
    assert.deepEqual(environ.calls, [{ method: 'openPorts' }, { method: 'prepare' }, { method: 'openPorts' }, { method: 'ingressRules' }, { method: 'closePorts' }]);
  });

  it('rejects every firewall call with CANCELLED on an aborted signal, changing nothing', async () => {
    const environ = newEnviron();
    await environ.prepare({});
    await environ.openPorts({ rules: [dns] });
    const signal = AbortSignal.abort();
    await rejectsWithCode(environ.ingressRules({ signal }), ErrorCode.Cancelled);
    await rejectsWithCode(environ.openPorts({ rules: [tcp(443, 443, anywhere)], signal }), ErrorCode.Cancelled);
    await rejectsWithCode(environ.closePorts({ rules: [dns], signal }), ErrorCode.Cancelled);
    assert.deepEqual(await environ.ingressRules({}), [dns]);
  });

  it('refuses every firewall call under credentialsInvalid', async () => {
    const environ = newEnviron();
    await environ.prepare({});
    environ.faults.credentialsInvalid = true;
    await rejectsWithCode(environ.ingressRules({}), ErrorCode.CredentialsInvalid);
    await rejectsWithCode(environ.openPorts({ rules: [dns] }), ErrorCode.CredentialsInvalid);
    await rejectsWithCode(environ.closePorts({ rules: [dns] }), ErrorCode.CredentialsInvalid);
  });

  it('fails openPorts with QUOTA_EXCEEDED under openPortsFails, opening nothing, and works again once mended', async () => {
    const environ = newEnviron('full');
    await environ.prepare({});
    environ.faults.openPortsFails = true;
    const error = await rejectsWithCode(environ.openPorts({ rules: [dns, tcp(443, 443, anywhere)] }), ErrorCode.QuotaExceeded);
    assert.match(String(error), /security group of environment "full" has reached its rule limit \(injected fault openPortsFails\)/);
    assert.deepEqual(await environ.ingressRules({}), []);
    environ.faults.openPortsFails = false;
    await environ.openPorts({ rules: [dns] });
    assert.deepEqual(await environ.ingressRules({}), [dns]);
  });
});
