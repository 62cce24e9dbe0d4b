import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { bootstrap, destroy, environmentTags, generateSshKeyPair, TagKey } from '../../../src/index.js';
import { fastWait, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();

describe('ec2 provider: destroy', () => {
  it('terminates 1,500 tagged machines with 2 TerminateInstances calls and one DescribeInstances per poll', async () => {
    const environment = { name: 'many', uuid: randomUUID() };
    const seeded = Array.from({ length: 1500 }, (_, n) => aws.ec2.addInstance({ tags: { ...environmentTags(environment), [TagKey.MachineId]: String(n) } }).id);
    const stranger = aws.ec2.addInstance({ tags: { [TagKey.EnvironmentUuid]: randomUUID() } }).id;
    const environ = aws.environ({ environment });
    const from = aws.ec2.requests.length;
    const result = await destroy({ environ });
    assert.deepEqual(result.failures, []);
    assert.equal(result.stoppedInstances.length, 1500);
    const calls = aws.ec2.requests.slice(from);
    const terminations = calls.filter((r) => r.action === 'TerminateInstances');
    assert.equal(terminations.length, 2, 'ceil(1500 / 1000) calls');
    assert.deepEqual(terminations.map((r) => Object.keys(r.params).filter((k) => k.startsWith('InstanceId.')).length), [1000, 500]);
    // Listing 1,500 instances takes two pages of 1,000: each poll is one listing of the environment, whatever the number.
    assert.ok(calls.filter((r) => r.action === 'DescribeInstances').every((r) => r.params['Filter.1.Name'] === `tag:${TagKey.EnvironmentUuid}`));
    assert.ok(seeded.every((id) => aws.ec2.instance(id).state === 'terminated'));
    assert.equal(aws.ec2.instance(stranger).state, 'running', "another environment's machine is never touched");
  });

  it('finds machines by tag when provider-state is lost, and is idempotent', async () => {
    const environ = aws.environ();
    const clientKey = generateSshKeyPair({ comment: 'test' });
    const booted = await bootstrap({ environ, clientKey, timeouts: fastWait });
    await environ.storage().delete({ key: 'provider-state' });
    const first = await destroy({ environ });
    assert.deepEqual(first.failures, []);
    assert.deepEqual(first.stoppedInstances, [booted.controller.instance.id]);
    assert.equal(aws.ec2.instance(booted.controller.instance.id).state, 'terminated');
    const second = await destroy({ environ });
    assert.deepEqual(second.failures, []);
    assert.deepEqual(second.stoppedInstances, []);
  });

  it('retries deleting the security group while EC2 still calls it in use', async () => {
    const environ = aws.environ();
    await environ.prepare({});
    aws.ec2.faults.dependencyViolations = 2;
    const from = aws.ec2.requests.length;
    const result = await environ.teardown({});
    assert.deepEqual(result.failures, []);
    const deletes = aws.ec2.requests.slice(from).filter((r) => r.action === 'DeleteSecurityGroup');
    assert.deepEqual(deletes.map((r) => r.errorCode ?? 'ok'), ['DependencyViolation', 'DependencyViolation', 'ok']);
  });
});
