import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { awsCodeOf } from '../../../providers/ec2/aws-code.js';
import { s3StateStorage } from '../../../providers/ec2/index.js';
import { findEc2Leftovers } from '../../../providers/ec2/leftovers.js';
import { removeEc2Leftovers } from '../../../providers/ec2/remove-leftovers.js';
import {
  bootstrap, environmentTags, generateSshKeyPair, saveState, type BootstrapResult, type EnvironmentIdentity, type FindLeftoversResult, type Leftover,
} from '../../../src/index.js';
import { fakeS3Client } from '../../storage/fixtures/open-s3-storage.js';
import { fakeEc2Api, fastTiming, fastWait, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const api = fakeEc2Api(aws.ec2);
const stateStorage = s3StateStorage(fakeS3Client(aws.s3.endpoint));
const bucket = 'envboot-test-state';
const longAgo = new Date('2020-01-01T00:00:00.000Z');
const day = 24 * 60 * 60_000;

/** An environment that was really bootstrapped (made once, shared by the tests that need a live neighbour). */
let live: Promise<{ environment: EnvironmentIdentity; booted: BootstrapResult }> | undefined;
function liveEnvironment(): Promise<{ environment: EnvironmentIdentity; booted: BootstrapResult }> {
  live ??= (async () => {
    const environ = aws.environ();
    const booted = await bootstrap({ environ, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait });
    return { environment: environ.environment, booted };
  })();
  return live;
}

interface Seeded {
  readonly environment: EnvironmentIdentity;
  /** `s3://bucket/name/`, where its provider-state would be. */
  readonly where: string;
  readonly group: string;
  readonly instance: string;
  /** The instance's root volume, tagged like it, deleted with it. */
  readonly rootVolume: string;
  readonly volume: string;
}

/** Resources of an environment that left no record but its tags: a group, an instance in it, a spare volume. */
function seedEnvironment(params: { environment?: EnvironmentIdentity; stateTag?: boolean; madeAt?: Date } = {}): Seeded {
  const environment = params.environment ?? { name: `gone-${randomUUID().slice(0, 8)}`, uuid: randomUUID() };
  const where = `s3://${bucket}/${environment.name}/`;
  const tags = { ...environmentTags(environment), ...(params.stateTag === false ? {} : { 'envboot-provider-state': where }) };
  const madeAt = params.madeAt ?? new Date();
  const group = aws.ec2.addSecurityGroup({ name: `envboot-${environment.uuid}`, tags: { ...tags, 'envboot-created-at': madeAt.toISOString() } }).id;
  const instance = aws.ec2.addInstance({ tags, securityGroupIds: [group], launchTime: madeAt }).id;
  const rootVolume = aws.ec2.volumes().find((v) => v.attachment?.instanceId === instance)?.id ?? '';
  const volume = aws.ec2.addVolume({ tags, createTime: madeAt }).id;
  return { environment, where, group, instance, rootVolume, volume };
}

const resourcesOf = (seeded: Seeded): string[] =>
  [`instance ${seeded.instance}`, `security-group ${seeded.group}`, `volume ${seeded.rootVolume}`, `volume ${seeded.volume}`].sort();
const leftoversOf = (result: FindLeftoversResult, uuid: string): Leftover[] => result.leftovers.filter((l) => l.environment.uuid === uuid);
const listed = (leftovers: readonly Leftover[]): string[] => leftovers.map((l) => `${l.kind} ${l.id}`).sort();
const undecidedOf = (result: FindLeftoversResult, environment: EnvironmentIdentity) =>
  result.undecided.filter((u) => u.environment === `${environment.name} (${environment.uuid})`);

/** Finds leftovers, checking that the search only listed (three EC2 calls, S3 reads only). */
async function find(params: { olderThanMs?: number } = {}): Promise<FindLeftoversResult> {
  const ec2From = aws.ec2.requests.length;
  const s3From = aws.s3.requests.length;
  const result = await findEc2Leftovers({ api, stateStorage, ...params });
  const calls = aws.ec2.requests.slice(ec2From);
  assert.deepEqual(calls.map((r) => `${r.action} ${r.params['Filter.1.Name']}=${r.params['Filter.1.Value.1']}`), [
    'DescribeInstances tag-key=envboot-environment-uuid',
    'DescribeVolumes tag-key=envboot-environment-uuid',
    'DescribeSecurityGroups tag-key=envboot-environment-uuid',
  ]);
  assert.ok(aws.s3.requests.slice(s3From).every((r) => r.operation === 'GetObject'), 'judging reads provider-state and writes nothing');
  return result;
}

describe('ec2 provider: finding leftovers', () => {
  it('does not count a bootstrapped environment, reading its provider-state where its tags point', async () => {
    const { environment, booted } = await liveEnvironment();
    const s3From = aws.s3.requests.length;
    const result = await find();
    assert.deepEqual(leftoversOf(result, environment.uuid), []);
    assert.deepEqual(undecidedOf(result, environment), []);
    const reads = aws.s3.requests.slice(s3From).filter((r) => r.key === `${environment.name}/provider-state`);
    assert.deepEqual(reads.map((r) => [r.bucket, r.status]), [[bucket, 200]], 'one read of its provider-state');
    assert.equal(aws.ec2.instance(booted.controller.instance.id).state, 'running');
  });

  it('counts resources whose provider-state is gone, saying where it was', async () => {
    const seeded = seedEnvironment();
    const found = leftoversOf(await find(), seeded.environment.uuid);
    assert.deepEqual(listed(found), resourcesOf(seeded));
    for (const leftover of found) {
      assert.equal(leftover.reason, `no provider-state at ${seeded.where}`);
      assert.deepEqual(leftover.environment, seeded.environment);
      assert.ok(leftover.createdAt instanceof Date, `${leftover.kind} ${leftover.id} says when it was made`);
    }
  });

  it('counts resources whose provider-state now belongs to a newer environment of the same name', async () => {
    const old = seedEnvironment();
    const newer = { name: old.environment.name, uuid: randomUUID() };
    await saveState({ storage: aws.environ({ environment: newer }).storage(), state: { stateInstances: [], fields: { environment: newer } }, expect: 'create' });
    const current = seedEnvironment({ environment: newer });
    const result = await find();
    assert.deepEqual(listed(leftoversOf(result, old.environment.uuid)), resourcesOf(old));
    for (const leftover of leftoversOf(result, old.environment.uuid)) {
      assert.equal(leftover.reason, `provider-state at ${old.where} now belongs to environment ${newer.uuid}`);
    }
    assert.deepEqual(leftoversOf(result, current.environment.uuid), [], 'the environment that owns the state is not a leftover');
  });

  it('leaves resources that do not say where their state lives undecided, unless they are older than the cutoff', async () => {
    const old = seedEnvironment({ stateTag: false, madeAt: longAgo });
    const young = seedEnvironment({ stateTag: false });
    const lax = await find();
    for (const seeded of [old, young]) {
      assert.deepEqual(leftoversOf(lax, seeded.environment.uuid), []);
      assert.deepEqual(undecidedOf(lax, seeded.environment).map((u) => u.reason), ['its resources do not say where its provider-state lives']);
    }

    const strict = await find({ olderThanMs: day });
    const found = leftoversOf(strict, old.environment.uuid);
    assert.deepEqual(listed(found), resourcesOf(old), 'launch time, create time and the created-at tag all count');
    for (const leftover of found) {
      assert.equal(leftover.reason, 'older than the cutoff (made 2020-01-01T00:00:00.000Z)');
      assert.equal(leftover.createdAt?.toISOString(), longAgo.toISOString());
    }
    assert.deepEqual(undecidedOf(strict, old.environment), []);
    assert.deepEqual(leftoversOf(strict, young.environment.uuid), []);
    assert.equal(undecidedOf(strict, young.environment).length, 1);
  });

  it('never counts an environment whose provider-state cannot be read', async () => {
    const seeded = seedEnvironment();
    const { environment: liveOne } = await liveEnvironment();
    aws.s3.faults.accessDenied = true;
    try {
      const result = await find();
      for (const environment of [seeded.environment, liveOne]) {
        assert.deepEqual(leftoversOf(result, environment.uuid), []);
        const [undecided, ...more] = undecidedOf(result, environment);
        assert.equal(more.length, 0);
        assert.match(undecided?.reason ?? '', new RegExp(`^cannot read its provider-state at s3://${bucket}/${environment.name}/: .*AccessDenied`));
      }
    } finally {
      aws.s3.faults.accessDenied = false;
    }
  });

  it('gives a security group with an unreadable created-at tag no creation time', async () => {
    const seeded = seedEnvironment();
    const group = aws.ec2.addSecurityGroup({ name: `envboot-${randomUUID()}`, tags: { ...environmentTags(seeded.environment), 'envboot-created-at': 'yesterday' } }).id;
    const leftover = leftoversOf(await find({ olderThanMs: day }), seeded.environment.uuid).find((l) => l.id === group);
    assert.equal(leftover?.reason, `no provider-state at ${seeded.where}`);
    // A boolean: the test runner's own reporter throws on an Invalid Date in an assertion's values.
    assert.equal(leftover.createdAt === undefined, true, 'no creation time rather than an Invalid Date');
  });

  it('reports an environment as undecided while any of its resources are kept', async () => {
    const seeded = seedEnvironment({ stateTag: false, madeAt: longAgo });
    aws.ec2.addVolume({ tags: environmentTags(seeded.environment) });
    const result = await find({ olderThanMs: day });
    assert.deepEqual(listed(leftoversOf(result, seeded.environment.uuid)), resourcesOf(seeded));
    assert.equal(undecidedOf(result, seeded.environment).length, 1, 'the young volume was kept: say why');
  });
});

describe('ec2 provider: removing leftovers', () => {
  it('terminates instances per environment, then deletes groups and volumes, listing failures without stopping', async () => {
    const { environment: liveOne, booted } = await liveEnvironment();
    const first = seedEnvironment();
    const second = seedEnvironment();
    const stranger = aws.ec2.addInstance({ tags: { Name: 'not envboot' } }).id;
    const inUse = aws.ec2.addVolume({ tags: { ...environmentTags(first.environment), 'envboot-provider-state': first.where }, attachedTo: stranger }).id;
    const extra = aws.ec2.addInstance({ tags: { ...environmentTags(first.environment), 'envboot-provider-state': first.where }, securityGroupIds: [first.group] }).id;
    const found = await find();
    const leftovers = [...leftoversOf(found, first.environment.uuid), ...leftoversOf(found, second.environment.uuid)];
    assert.equal(leftovers.length, 11);
    assert.deepEqual(leftoversOf(found, liveOne.uuid), []);
    const untouched = snapshot((id) => !leftovers.some((l) => l.id === id));

    const from = aws.ec2.requests.length;
    const result = await removeEc2Leftovers({ api, leftovers, timing: fastTiming, stateStorage });
    assert.deepEqual(result.failures.map((f) => [f.resource, awsCodeOf(f.error)]), [[`volume ${inUse}`, 'VolumeInUse']]);
    assert.match(result.failures[0]?.error.message ?? '', new RegExp(inUse));
    assert.deepEqual(
      [...result.removed].sort(),
      leftovers.filter((l) => l.id !== inUse).map((l) => `${l.kind === 'security-group' ? 'security group' : l.kind} ${l.id}`).sort(),
      'a root volume deleted with its instance counts as removed',
    );

    const calls = aws.ec2.requests.slice(from).filter((r) => r.action !== 'DescribeInstances');
    const terminated = calls.filter((r) => r.action === 'TerminateInstances').map((r) => idsIn(r.params, 'InstanceId.'));
    assert.deepEqual(terminated, [[extra, first.instance].sort(), [second.instance]], 'one call per environment');
    const order = calls.map((r) => r.action).filter((action, n, all) => all[n - 1] !== action);
    assert.deepEqual(order, ['TerminateInstances', 'DeleteSecurityGroup', 'DeleteVolume']);
    assert.ok(calls.every((r) => r.action !== 'DeleteSecurityGroup' || r.status === 200), 'groups are deleted once their instances are gone');

    for (const id of [first.instance, second.instance, extra]) assert.equal(aws.ec2.instance(id).state, 'terminated');
    const groups = new Set(aws.ec2.securityGroups().map((g) => g.id));
    assert.ok(!groups.has(first.group) && !groups.has(second.group));
    assert.deepEqual(aws.ec2.volumes().filter((v) => leftovers.some((l) => l.id === v.id)).map((v) => v.id), [inUse]);
    assert.deepEqual(snapshot((id) => untouched.has(id)), untouched, 'nothing else changed');
    assert.equal(aws.ec2.instance(booted.controller.instance.id).state, 'running');
    assert.equal(aws.ec2.instance(stranger).state, 'running');
  });

  it('counts resources already gone as removed', async () => {
    const seeded = seedEnvironment();
    const leftovers = leftoversOf(await find(), seeded.environment.uuid);
    assert.deepEqual((await removeEc2Leftovers({ api, leftovers, timing: fastTiming, stateStorage })).failures, []);
    const from = aws.ec2.requests.length;
    const again = await removeEc2Leftovers({ api, leftovers, timing: fastTiming, stateStorage });
    assert.deepEqual(again.failures, []);
    assert.equal(again.removed.length, leftovers.length);
    const calls = aws.ec2.requests.slice(from);
    assert.equal(calls.filter((r) => r.action === 'TerminateInstances').length, 0, 'no instance of theirs is live');
    assert.deepEqual(
      calls.filter((r) => r.action.startsWith('Delete')).map((r) => `${r.action} ${r.errorCode ?? 'ok'}`),
      ['DeleteSecurityGroup InvalidGroup.NotFound', 'DeleteVolume InvalidVolume.NotFound', 'DeleteVolume InvalidVolume.NotFound'],
    );
  });
});

function idsIn(params: Readonly<Record<string, string>>, prefix: string): string[] {
  return Object.entries(params).filter(([key]) => key.startsWith(prefix)).map(([, value]) => value).sort();
}

/** Every instance's state, group and volume of the fake whose id `keep` accepts, as `id → state`. */
function snapshot(keep: (id: string) => boolean): Map<string, string> {
  const all: [string, string][] = [
    ...aws.ec2.instances().map((i): [string, string] => [i.id, i.state]),
    ...aws.ec2.securityGroups().map((g): [string, string] => [g.id, 'exists']),
    ...aws.ec2.volumes().map((v): [string, string] => [v.id, v.state]),
  ];
  return new Map(all.filter(([id]) => keep(id)));
}
