import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { MemoryStorage, type GetParams, type StoredObject } from '../../../storage/index.js';
import { addMachines, bootstrap, destroy, isCancelled, stateObjectName } from '../../../src/index.js';
import { createFakeProvider } from '../../../src/testing/index.js';
import { assertNothingLeft, fakeEnvironment, recorder } from '../bootstrap/fixtures.js';

/** Memory storage whose reads fail, while `failReads` is set, with an error that is not "not found". */
class UnreadableWhenAsked extends MemoryStorage {
  failReads = false;

  override get(params: GetParams): Promise<StoredObject> {
    if (this.failReads) return Promise.reject(Object.assign(new Error('the disk said EIO\u001b[2J'), { code: 'EIO' }));
    return super.get(params);
  }
}

describe('destroy', () => {
  it('stops every machine, tears down and removes the storage; a second destroy has nothing to do', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    await addMachines({ environ, count: 2, clientKey });
    const result = await destroy({ environ });
    assert.equal(result.stoppedInstances.length, 3);
    assert.deepEqual(result.failures, []);
    assert.ok(result.removed.some((r) => r.startsWith('security group')));
    await assertNothingLeft(environ);
    const again = await destroy({ environ });
    assert.deepEqual([again.stoppedInstances, again.failures], [[], []]);
  });

  it('finds the machines by tag when provider-state is gone or corrupt', async () => {
    for (const damage of ['delete', 'corrupt'] as const) {
      const environ = fakeEnvironment();
      const { clientKey } = await bootstrap({ environ });
      await addMachines({ environ, count: 1, clientKey });
      if (damage === 'delete') await environ.storage().delete({ key: stateObjectName });
      else await environ.storage().put({ key: stateObjectName, body: ': not yaml : [' });
      const { events, onEvent } = recorder();
      const result = await destroy({ environ, onEvent });
      assert.equal(result.stoppedInstances.length, 2, damage);
      assert.deepEqual(result.failures, []);
      assert.equal(events.some((e) => e.type === 'warning' && /corrupt/.test(e.message)), damage === 'corrupt');
      await assertNothingLeft(environ);
    }
  });

  const damages: [string, string | Uint8Array, RegExp][] = [
    ['bad YAML', 'state-instances: [i-1\nmachines: {', /is corrupt: it is not valid YAML \(.* at line \d+, column \d+\)/],
    ['valid YAML of the wrong shape', 'state-instances:\n  nested: [1, 2]\n', /is corrupt: "state-instances" is not a list/],
    ['a list for a document', '- i-1\n- i-2\n', /is corrupt: it is not a YAML mapping but a list/],
    ['binary bytes with terminal escapes', new Uint8Array([0x1b, 0x5b, 0x32, 0x4a, 0x1b, 0x5d, 0x30, 0x3b, 0x07, 0xff, 0x00, 0x9b]), /is corrupt: it is not UTF-8 text \(12 bytes\)/],
    ['terminal escapes in text', 'state-instances: [\u001b[2J\u001b]0;pwned\u0007]\n', /is corrupt: it is not valid YAML/],
    ['nothing in it', '', /is corrupt: it is empty/],
  ];
  for (const [what, body, problem] of damages) {
    it(`destroys everything by tag when provider-state holds ${what}, warning once and quoting none of it`, async () => {
      const environ = fakeEnvironment();
      const { clientKey } = await bootstrap({ environ });
      await addMachines({ environ, count: 1, clientKey });
      await environ.storage().put({ key: stateObjectName, body });
      const { events, onEvent } = recorder();
      const result = await destroy({ environ, onEvent });
      assert.equal(result.stoppedInstances.length, 2);
      assert.deepEqual(result.failures, []);
      const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      const [warning = ''] = warnings;
      assert.match(warning, new RegExp(`^provider-state in memory storage fake test ${problem.source}`));
      assert.match(warning, new RegExp(`destroying every instance tagged as environment ${environ.environment.uuid} instead, and removing the object last$`));
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      assert.doesNotMatch(JSON.stringify(events) + warning, /[\u0000-\u001f\u007f-\u009f]|\\u001b/, 'no raw or JSON-escaped control bytes');
      assert.deepEqual(events.filter((e) => e.type.startsWith('cleanup.')), [], 'nothing kept, nothing failed');
      await assertNothingLeft(environ);
    });
  }

  it('destroys everything by tag when provider-state cannot be read, saying why', async () => {
    const storage = new UnreadableWhenAsked({ name: 'flaky' });
    const fake = createFakeProvider({ storage });
    after(() => fake.close());
    const environ = fake.openEnviron({ name: 'test', uuid: randomUUID() });
    const { clientKey } = await bootstrap({ environ });
    await addMachines({ environ, count: 1, clientKey });
    storage.failReads = true;
    const { events, onEvent } = recorder();
    const result = await destroy({ environ, onEvent });
    assert.equal(result.stoppedInstances.length, 2);
    assert.deepEqual(result.failures, []);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    assert.deepEqual(warnings, [
      `cannot read provider-state in memory storage flaky: the disk said EIO\\x1b[2J; destroying every instance tagged as environment ${environ.environment.uuid} instead, and removing the object last`,
    ]);
    storage.failReads = false;
    await assertNothingLeft(environ);
  });

  it('keeps a corrupt provider-state while the tag query fails: it may be the only record of what runs', async () => {
    const environ = fakeEnvironment();
    await bootstrap({ environ });
    await environ.storage().put({ key: stateObjectName, body: 'state-instances: [' });
    environ.faults.credentialsInvalid = true;
    const { events, onEvent } = recorder();
    const first = await destroy({ environ, onEvent });
    assert.ok(first.failures.some((f) => f.resource === 'instance listing by tag'));
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'cleanup.kept' ? [e.reason] : [])),
      ['the instances could not be listed by tag; run destroy again'],
    );
    assert.deepEqual((await environ.storage().list({})).objects.map((o) => o.key), [stateObjectName], 'provider-state kept');
    environ.faults.credentialsInvalid = false;
    const second = await destroy({ environ });
    assert.deepEqual([second.stoppedInstances.length, second.failures], [1, []]);
    await assertNothingLeft(environ);
  });

  it('stops at once, without a warning, when cancelled while reading provider-state', async () => {
    const environ = fakeEnvironment();
    await bootstrap({ environ });
    const { events, onEvent } = recorder();
    await assert.rejects(destroy({ environ, onEvent, signal: AbortSignal.abort() }), isCancelled);
    assert.deepEqual(events.filter((e) => e.type === 'warning'), []);
    assert.equal((await environ.allInstances({})).length, 1, 'nothing was stopped');
  });

  it('keeps going past a machine that will not stop, reports it, and finishes on the next run', async () => {
    const environ = fakeEnvironment();
    const { clientKey, controller } = await bootstrap({ environ });
    await addMachines({ environ, count: 1, clientKey });
    environ.faults.failStopIds.add(controller.instance.id);
    const { events, onEvent } = recorder();
    const first = await destroy({ environ, onEvent });
    assert.deepEqual(first.failures.map((f) => f.resource), [`instance ${controller.instance.id}`]);
    // The step that left it ends failed (a display marks it ✖, not ✔), its failure reported within it.
    const stopping = events.filter((e) => 'phase' in e && e.phase === 'stop-instances').map((e) => e.type);
    assert.deepEqual(stopping, ['phase.started', 'phase.failed']);
    const failedAt = events.findIndex((e) => e.type === 'cleanup.failed');
    assert.ok(failedAt > events.findIndex((e) => e.type === 'phase.started' && e.phase === 'stop-instances'));
    assert.ok(failedAt < events.findIndex((e) => e.type === 'phase.failed' && e.phase === 'stop-instances'));
    assert.ok(events.some((e) => e.type === 'phase.failed' && e.phase === 'stop-instances' && e.code === 'CLEANUP_INCOMPLETE' && e.message.includes(controller.instance.id)));
    assert.ok(events.some((e) => e.type === 'phase.finished' && e.phase === 'teardown'), 'the steps that removed everything still finish');
    assert.equal((await environ.allInstances({})).length, 1, 'the other machine was stopped');
    assert.ok((await environ.storage().list({})).objects.length > 0, 'provider-state kept while an instance remains');
    environ.faults.failStopIds.clear();
    const second = await destroy({ environ });
    assert.deepEqual(second.failures, []);
    await assertNothingLeft(environ);
  });
});
