import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ec2ProviderCalls } from '../../../providers/ec2/index.js';
import { addMachines, bootstrap, destroy, generateSshKeyPair, TagKey } from '../../../src/index.js';
import { callsBeyondPolling, fastTiming, fastWait, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();

describe('ec2 provider: bootstrap, add-machine and destroy against the fake endpoints', () => {
  it('bootstraps within the API budget, reaches the controller through the jump host, adds machines across zones and leaves nothing behind', async () => {
    const environ = aws.environ();
    const clientKey = generateSshKeyPair({ comment: 'test' });
    const ec2From = aws.ec2.requests.length;
    const s3From = aws.s3.requests.length;
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait });

    const ec2Calls = callsBeyondPolling(aws.ec2, ec2From);
    const s3Calls = aws.s3.requests.slice(s3From);
    assert.ok(ec2Calls.length <= 15, `bootstrap made ${ec2Calls.length} EC2 calls beyond polling: ${ec2Calls.join(', ')}`);
    assert.ok(s3Calls.length <= 6, `bootstrap made ${s3Calls.length} S3 calls: ${s3Calls.map((r) => r.operation).join(', ')}`);
    assert.deepEqual(ec2Calls.filter((action) => action === 'RunInstances'), ['RunInstances']);
    const polls = aws.ec2.requests.slice(ec2From).filter((r) => r.action === 'DescribeInstances');
    assert.ok(polls.length >= 1);
    for (const action of aws.ec2.requests.map((r) => r.action)) {
      assert.ok((ec2ProviderCalls.ec2 as readonly string[]).includes(action), `${action} is missing from the IAM list`);
    }

    const controller = aws.ec2.instance(result.controller.instance.id);
    assert.equal(controller.tags[TagKey.EnvironmentUuid], environ.environment.uuid);
    assert.equal(controller.tags[TagKey.MachineId], '0');
    assert.equal(controller.tags[TagKey.Name], `envboot-${environ.environment.name}-machine-0`);
    assert.match(controller.tags['envboot-provider-state'] ?? '', /^s3:\/\/envboot-test-state\//);
    const run = aws.ec2.requests.find((r) => r.action === 'RunInstances' && r.status === 200);
    assert.ok(run !== undefined);
    assert.equal(run.params['MetadataOptions.HttpTokens'], 'required');
    assert.equal(run.params['BlockDeviceMapping.1.Ebs.DeleteOnTermination'], 'true');
    assert.match(run.params['UserData'] ?? '', /^<\d+ bytes>$/);
    const group = aws.ec2.securityGroups().find((g) => g.tags[TagKey.EnvironmentUuid] === environ.environment.uuid);
    assert.ok(group !== undefined, 'the security group carries the ownership tag from creation');
    for (const volume of aws.ec2.volumes().filter((v) => v.attachment?.instanceId === controller.id)) {
      assert.equal(volume.tags[TagKey.EnvironmentUuid], environ.environment.uuid, 'root volumes are tagged at creation');
    }

    const added = await addMachines({ environ, count: 2, clientKey, timeouts: fastWait });
    assert.deepEqual(added.failures, []);
    const zones = new Set([result.controller.instance.zone, ...added.machines.map((m) => m.instance.zone)]);
    assert.equal(zones.size, 3, 'three machines spread over the three zones');

    const before = aws.ec2.requests.length;
    const destroyed = await destroy({ environ });
    assert.deepEqual(destroyed.failures, []);
    assert.equal(callsBeyondPolling(aws.ec2, before).filter((a) => a === 'TerminateInstances').length, 1);
    const ours = aws.ec2.instances().filter((i) => i.tags[TagKey.EnvironmentUuid] === environ.environment.uuid);
    assert.ok(ours.every((i) => i.state === 'terminated'));
    assert.equal(aws.ec2.securityGroups().some((g) => g.tags[TagKey.EnvironmentUuid] === environ.environment.uuid), false);
    assert.equal(aws.s3.bucketExists('envboot-test-state'), false, 'the bucket envboot made is removed with the last environment');
  });

  it('refreshes every pending machine of a run with one DescribeInstances per poll, whatever their number', async () => {
    const environ = aws.environ();
    const clientKey = generateSshKeyPair({ comment: 'test' });
    await bootstrap({ environ, clientKey, timeouts: fastWait });
    const from = aws.ec2.requests.length;
    const started = performance.now();
    const added = await addMachines({ environ, count: 8, clientKey, timeouts: fastWait });
    const elapsed = performance.now() - started;
    assert.deepEqual(added.failures, []);
    const polls = aws.ec2.requests.slice(from).filter((r) => r.action === 'DescribeInstances').length;
    // 8 machines refresh every 5-20 ms each; one listing answers them all for its 25 ms (fastTiming.listingMaxAgeMs).
    assert.ok(polls <= Math.ceil(elapsed / fastTiming.listingMaxAgeMs) + 1, `${polls} listings in ${elapsed.toFixed(0)} ms`);
    assert.deepEqual((await destroy({ environ })).failures, []);
  });
});
