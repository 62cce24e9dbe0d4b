import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { maxEnvbootTags } from '../../../providers/ec2/ec2-tags.js';
import { addMachines, bootstrap, destroy, generateSshKeyPair, loadState, TagKey, type Environ } from '../../../src/index.js';
import type { FakeEc2Request } from '../../fakes/ec2-endpoint.js';
import { fastWait, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const hour = 3_600_000;
const operatorTags = { 'cost-centre': '0042', team: 'platform' };

/** The tags a logged request gives each resource type, from its TagSpecification.N fields. */
function tagSpecs(request: FakeEc2Request | undefined): Record<string, Record<string, string>> {
  const params = request?.params ?? {};
  const specs: Record<string, Record<string, string>> = {};
  for (const [name, type] of Object.entries(params)) {
    const n = /^TagSpecification\.(\d+)\.ResourceType$/.exec(name)?.[1];
    if (n === undefined) continue;
    const tags: Record<string, string> = {};
    for (let m = 1; params[`TagSpecification.${n}.Tag.${m}.Key`] !== undefined; m += 1) {
      tags[params[`TagSpecification.${n}.Tag.${m}.Key`] ?? ''] = params[`TagSpecification.${n}.Tag.${m}.Value`] ?? '';
    }
    specs[type] = tags;
  }
  return specs;
}

function sent(action: string, from: number): FakeEc2Request[] {
  return aws.ec2.requests.slice(from).filter((r) => r.action === action);
}

function envbootTagCount(tags: Readonly<Record<string, string>>): number {
  return Object.keys(tags).filter((key) => key.startsWith('envboot-') || key === TagKey.Name).length;
}

async function destroyed(environ: Environ): Promise<void> {
  await destroy({ environ });
}

describe('ec2 provider: resource-tags and ttl at creation (fake EC2 and S3, real SDK)', () => {
  it('tags the security group, the instance, its volume and its network interface in the creating requests, and records the expiry in provider-state', async (t) => {
    const environ = aws.environ({ config: { resourceTags: operatorTags, ttlMs: 8 * hour } });
    t.after(() => destroyed(environ));
    const from = aws.ec2.requests.length;
    const before = Date.now();
    const booted = await bootstrap({ environ, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait });
    const group = tagSpecs(sent('CreateSecurityGroup', from)[0])['security-group'] ?? {};
    const run = tagSpecs(sent('RunInstances', from)[0]);
    const expiresAt = group['envboot-expires-at'] ?? '';
    assert.match(expiresAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const expiry = new Date(expiresAt).getTime();
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 8 * hour && expiry <= Date.now() + 8 * hour, expiresAt);
    const made: [string, Record<string, string> | undefined][] = [['security-group', group], ['instance', run['instance']], ['volume', run['volume']], ['network-interface', run['network-interface']]];
    for (const [resource, tags] of made) {
      assert.ok(tags !== undefined, `${resource} is tagged in the creating request`);
      assert.equal(tags['cost-centre'], '0042', resource);
      assert.equal(tags['team'], 'platform', resource);
      assert.equal(tags['envboot-expires-at'], expiresAt, resource);
      assert.equal(tags[TagKey.EnvironmentUuid], environ.environment.uuid, resource);
      assert.ok(envbootTagCount(tags) <= maxEnvbootTags, `${resource} carries ${envbootTagCount(tags)} envboot tags`);
    }
    // What EC2 kept, as any client sees it.
    const instance = aws.ec2.instance(booted.controller.instance.id);
    assert.equal(instance.tags['cost-centre'], '0042');
    const volume = aws.ec2.volumes().find((v) => v.attachment?.instanceId === instance.id);
    assert.equal(volume?.tags['envboot-expires-at'], expiresAt);
    const { state } = await loadState({ storage: environ.storage() });
    assert.equal(state.fields['expires-at'], expiresAt);
  });

  it('tags machines added later with the environment\'s expiry, from its security group, not with a ttl configured since', async (t) => {
    const environment = { name: `later-${randomUUID().slice(0, 8)}`, uuid: randomUUID() };
    const clientKey = generateSshKeyPair({ comment: 'test' });
    const first = aws.environ({ environment, config: { ttlMs: 2 * hour } });
    t.after(() => destroyed(first));
    await bootstrap({ environ: first, clientKey, timeouts: fastWait });
    const { state } = await loadState({ storage: first.storage() });
    const recorded = state.fields['expires-at'];
    // Another run, with another ttl and a tag of its own (`add-machine --tag job=7`).
    const later = aws.environ({ environment, config: { ttlMs: 30 * 24 * hour, resourceTags: { job: '7' } } });
    const from = aws.ec2.requests.length;
    const added = await addMachines({ environ: later, count: 1, clientKey, timeouts: fastWait });
    assert.equal(added.failures.length, 0);
    const run = tagSpecs(sent('RunInstances', from)[0]);
    assert.equal(run['instance']?.['envboot-expires-at'], recorded);
    assert.equal(run['volume']?.['job'], '7');
    assert.equal(sent('CreateSecurityGroup', from).length, 0);
    assert.equal((await loadState({ storage: later.storage() })).state.fields['expires-at'], recorded, 'provider-state keeps the expiry bootstrap set');
  });

  it('gives an environment without a ttl no expiry: no tag, nothing recorded', async (t) => {
    const environ = aws.environ({ config: { resourceTags: operatorTags } });
    t.after(() => destroyed(environ));
    const from = aws.ec2.requests.length;
    await bootstrap({ environ, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait });
    assert.equal('envboot-expires-at' in (tagSpecs(sent('RunInstances', from)[0])['instance'] ?? {}), false);
    assert.equal('expires-at' in (await loadState({ storage: environ.storage() })).state.fields, false);
  });

  it('passes an organisation policy that requires tags at creation, which refuses a bootstrap without them before anything is made', async (t) => {
    aws.ec2.faults.requireTags = ['cost-centre'];
    t.after(() => {
      aws.ec2.faults.requireTags = [];
    });
    const untagged = aws.environ();
    const groupsBefore = aws.ec2.securityGroups().length;
    const refused = await bootstrap({ environ: untagged, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.ok(refused !== undefined, 'the policy refuses an untagged security group');
    assert.match(refused.message, /ec2:CreateSecurityGroup/);
    assert.match(refused.message, /explicit deny in a service control policy .*resource-tags or --tag KEY=VALUE/, 'the refusal says a policy denied it and how to give its tags');
    assert.doesNotMatch(refused.message, /lack /, 'an explicit deny is not reported as a missing grant');
    assert.equal(aws.ec2.securityGroups().length, groupsBefore);
    assert.equal(aws.s3.requests.length > 0, true);
    await assert.rejects(loadState({ storage: untagged.storage() }), /not bootstrapped/, 'the failed bootstrap left no provider-state');

    const tagged = aws.environ({ config: { resourceTags: operatorTags, ttlMs: hour } });
    t.after(() => destroyed(tagged));
    const from = aws.ec2.requests.length;
    const booted = await bootstrap({ environ: tagged, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait });
    assert.deepEqual(
      aws.ec2.requests.slice(from).filter((r) => r.errorCode === 'UnauthorizedOperation'),
      [],
    );
    assert.equal(aws.ec2.instance(booted.controller.instance.id).tags['cost-centre'], '0042');
  });

  it('costs two S3 calls to record the expiry (a read and a write; the next record of the flow then re-reads once), and none without a ttl', async (t) => {
    const calls = async (ttlMs: number | undefined): Promise<string[]> => {
      const environ = aws.environ({ config: ttlMs === undefined ? {} : { ttlMs } });
      t.after(() => destroyed(environ));
      const from = aws.s3.requests.length;
      await bootstrap({ environ, clientKey: generateSshKeyPair({ comment: 'test' }), timeouts: fastWait });
      return aws.s3.requests.slice(from).map((r) => `${r.operation}${r.status >= 400 ? ` ${r.status}` : ''}`);
    };
    // Both into a bucket that exists (the first environment keeps it until the test ends).
    await calls(undefined);
    const plain = await calls(undefined);
    const withTtl = await calls(hour);
    assert.deepEqual(plain, ['PutObject', 'PutObject', 'PutObject'], plain.join(', '));
    assert.deepEqual(withTtl, ['PutObject', 'GetObject', 'PutObject', 'PutObject 412', 'GetObject', 'PutObject', 'PutObject'], withTtl.join(', '));
  });
});
