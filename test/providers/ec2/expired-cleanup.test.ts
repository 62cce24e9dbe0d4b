import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { s3StateStorage, type Ec2Config } from '../../../providers/ec2/index.js';
import { findEc2Leftovers } from '../../../providers/ec2/leftovers.js';
import { removeExpiredState } from '../../../providers/ec2/remove-expired-state.js';
import { removeEc2Leftovers } from '../../../providers/ec2/remove-leftovers.js';
import { bootstrap, environmentTags, generateSshKeyPair, loadState, saveState, type Environ, type FindLeftoversResult, type Leftover } from '../../../src/index.js';
import { stateObjectName } from '../../../src/state/index.js';
import type { Storage } from '../../../storage/index.js';
import { fakeS3Client } from '../../storage/fixtures/open-s3-storage.js';
import { fakeEc2Api, fastTiming, fastWait, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const api = fakeEc2Api(aws.ec2);
const stateStorage = s3StateStorage(fakeS3Client(aws.s3.endpoint));
const minute = 60_000;
const hour = 60 * minute;

async function booted(config: Partial<Ec2Config>): Promise<{ environ: Environ; instance: string; group: string; volume: string }> {
  const environ = aws.environ({ config });
  const result = await bootstrap({ environ, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait });
  const instance = result.controller.instance.id;
  const group = aws.ec2.securityGroups().find((g) => g.tags['envboot-environment-uuid'] === environ.environment.uuid)?.id ?? '';
  const volume = aws.ec2.volumes().find((v) => v.attachment?.instanceId === instance)?.id ?? '';
  return { environ, instance, group, volume };
}

const listed = (result: FindLeftoversResult, uuid: string): string[] =>
  result.leftovers.filter((l) => l.environment.uuid === uuid).map((l) => `${l.kind} ${l.id}`).sort();
const undecidedOf = (result: FindLeftoversResult, uuid: string): string[] => result.undecided.filter((u) => u.environment.includes(uuid)).map((u) => u.reason);
const find = (now: Date, expired = true): Promise<FindLeftoversResult> => findEc2Leftovers({ api, stateStorage, expired, now });
const remove = (leftovers: readonly Leftover[], now: Date) => removeEc2Leftovers({ api, leftovers, timing: fastTiming, stateStorage, now });

describe('ec2 provider: cleanup of expired environments (fake EC2 and S3, real SDK)', () => {
  it('removes an expired environment whole, provider-state and the bucket envboot made included, and leaves an unexpired and an unexpiring one alone', async () => {
    const soon = await booted({ ttlMs: 10 * minute, bucket: 'envboot-expiry-solo' });
    const later = await booted({ ttlMs: 2 * hour });
    const never = await booted({});
    const where = `s3://envboot-expiry-solo/${soon.environ.environment.name}/`;
    const expectedSoon = [`instance ${soon.instance}`, `provider-state ${where}`, `security-group ${soon.group}`, `volume ${soon.volume}`].sort();

    const now = await find(new Date());
    for (const env of [soon, later, never]) assert.deepEqual(listed(now, env.environ.environment.uuid), [], 'nothing has expired yet');
    const plain = await find(new Date(Date.now() + 11 * minute), false);
    assert.deepEqual(listed(plain, soon.environ.environment.uuid), [], 'without --expired, an expired environment is no leftover');

    const at = new Date(Date.now() + 11 * minute);
    const found = await find(at);
    assert.deepEqual(listed(found, soon.environ.environment.uuid), expectedSoon);
    assert.match(found.leftovers.find((l) => l.kind === 'provider-state')?.reason ?? '', /^expired at \d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(listed(found, later.environ.environment.uuid), []);
    assert.deepEqual(listed(found, never.environ.environment.uuid), []);

    const result = await remove(found.leftovers.filter((l) => l.environment.uuid === soon.environ.environment.uuid), at);
    assert.deepEqual(result.failures, []);
    // Removal names them as destroy does: "security group sg-…".
    assert.deepEqual([...result.removed].sort(), expectedSoon.map((r) => r.replace('security-group ', 'security group ')).sort());
    assert.equal(aws.ec2.instance(soon.instance).state, 'terminated');
    assert.equal(aws.ec2.securityGroups().some((g) => g.id === soon.group), false);
    await assert.rejects(loadState({ storage: soon.environ.storage() }), /not bootstrapped/);
    assert.equal(aws.s3.bucketExists('envboot-expiry-solo'), false, 'envboot made the bucket and nothing else is in it');
    for (const env of [later, never]) {
      assert.ok(['pending', 'running'].includes(aws.ec2.instance(env.instance).state));
      await loadState({ storage: env.environ.storage() });
    }
    assert.ok(aws.s3.bucketExists('envboot-test-state'), 'a bucket other environments use stays');
  });

  it('keeps provider-state, and says why, while a resource of the environment carries no expiry that has passed', async () => {
    const env = await booted({ ttlMs: 10 * minute });
    const { uuid } = env.environ.environment;
    const spare = aws.ec2.addVolume({ tags: { ...environmentTags(env.environ.environment), 'envboot-provider-state': `s3://envboot-test-state/${env.environ.environment.name}/` } }).id;
    const odd = aws.ec2.addVolume({ tags: { ...environmentTags(env.environ.environment), 'envboot-expires-at': 'tomorrow' } }).id;
    const found = await find(new Date(Date.now() + 11 * minute));
    assert.deepEqual(listed(found, uuid), [`instance ${env.instance}`, `security-group ${env.group}`, `volume ${env.volume}`].sort());
    const reasons = undecidedOf(found, uuid);
    assert.ok(reasons.some((r) => r === `volume ${odd}: its envboot-expires-at tag is not an RFC 3339 time, so it does not expire`), reasons.join('\n'));
    assert.ok(reasons.some((r) => /its provider-state expired at .*, but 2 of its resources carry no expiry that has passed: they and provider-state are kept/.test(r)), reasons.join('\n'));
    assert.ok(spare !== '');
  });

  it('keeps provider-state that changed between judging and removing (a new bootstrap of the name), and says so', async () => {
    const env = await booted({ ttlMs: 10 * minute });
    const at = new Date(Date.now() + 11 * minute);
    const found = await find(at);
    const state = found.leftovers.filter((l) => l.environment.uuid === env.environ.environment.uuid && l.kind === 'provider-state');
    assert.equal(state.length, 1);
    const storage = env.environ.storage();
    const loaded = await loadState({ storage });
    const renewed = { name: env.environ.environment.name, uuid: randomUUID() };
    await saveState({ storage, state: { ...loaded.state, fields: { ...loaded.state.fields, environment: renewed } }, expect: { version: loaded.version } });
    const result = await remove(state, at);
    assert.equal(result.failures.length, 1);
    assert.match(result.failures[0]?.error.message ?? '', /changed since it was judged expired \(a new bootstrap\?\); it is kept/);
    assert.deepEqual((await loadState({ storage })).state.fields['environment'], renewed);
  });

  it('deletes provider-state last and only as read, so a bootstrap claiming the name right after keeps its claim', async () => {
    const env = await booted({ ttlMs: 10 * minute });
    const at = new Date(Date.now() + 11 * minute);
    const [leftover] = (await find(at)).leftovers.filter((l) => l.environment.uuid === env.environ.environment.uuid && l.kind === 'provider-state');
    assert.ok(leftover !== undefined);
    const storage = env.environ.storage();
    await storage.put({ key: 'notes/extra', body: new TextEncoder().encode('an object beside provider-state') });
    const claim = new TextEncoder().encode('environment: {name: same-name, uuid: next}\n');
    const order: string[] = [];
    // The storage cleanup sees: after its conditional delete of provider-state, another client's bootstrap claims the name.
    const racing = (location: Parameters<typeof stateStorage>[0]): Storage => {
      const inner = stateStorage(location);
      return {
        description: inner.description,
        get: (params) => inner.get(params),
        put: (params) => inner.put(params),
        list: (params) => inner.list(params),
        removeAll: (params) => inner.removeAll(params),
        delete: async (params) => {
          order.push(params.key);
          await inner.delete(params);
          if (params.key === stateObjectName) await inner.put({ key: stateObjectName, body: claim, condition: { ifAbsent: true } });
        },
      };
    };
    await removeExpiredState({ leftover, stateStorage: racing, now: at });
    assert.deepEqual(order, ['notes/extra', stateObjectName], 'everything else first, provider-state last');
    assert.equal(Buffer.from((await storage.get({ key: stateObjectName })).body).toString(), Buffer.from(claim).toString(), "the new claim survives the bucket's removal");
    await assert.rejects(storage.get({ key: 'notes/extra' }), /not found|NOT_FOUND|does not exist/i);
  });
});
