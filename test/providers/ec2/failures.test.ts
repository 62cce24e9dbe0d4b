import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, destroy, ErrorCode, findInChain, generateSshKeyPair, TagKey, type FlowEvent } from '../../../src/index.js';
import { callsBeyondPolling, fastWait, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const clientKey = generateSshKeyPair({ comment: 'test' });

function ownedBy(uuid: string): { instances: number; groups: number } {
  return {
    instances: aws.ec2.instances().filter((i) => i.tags[TagKey.EnvironmentUuid] === uuid && i.state !== 'terminated').length,
    groups: aws.ec2.securityGroups().filter((g) => g.tags[TagKey.EnvironmentUuid] === uuid).length,
  };
}

function resetFaults(): void {
  Object.assign(aws.ec2.faults, { capacity: [], throttleRate: 0, throttleNext: 0, authFailure: false, expiredToken: false, unauthorized: [], quota: undefined });
}

describe('ec2 provider: failures on the way to a controller', () => {
  it('moves to the next zone when the first has no capacity, without retrying it', async () => {
    resetFaults();
    aws.ec2.faults.capacity = ['us-east-1a'];
    const environ = aws.environ();
    const events: FlowEvent[] = [];
    const from = aws.ec2.requests.length;
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait, onEvent: (event) => events.push(event) });
    const runs = aws.ec2.requests.slice(from).filter((r) => r.action === 'RunInstances');
    assert.deepEqual(runs.map((r) => [r.params['Placement.AvailabilityZone'], r.status, r.errorCode]), [
      ['us-east-1a', 500, 'InsufficientInstanceCapacity'],
      ['us-east-1b', 200, undefined],
    ]);
    assert.equal(result.controller.instance.zone, 'us-east-1b');
    resetFaults();
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('stops after one call when the credentials are refused, and creates nothing', async () => {
    resetFaults();
    aws.ec2.faults.authFailure = true;
    const environ = aws.environ();
    const ec2From = aws.ec2.requests.length;
    const s3From = aws.s3.requests.length;
    await assert.rejects(bootstrap({ environ, clientKey, timeouts: fastWait }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.CredentialsInvalid) !== undefined, error.message);
      return true;
    });
    assert.deepEqual(aws.ec2.requests.slice(ec2From).map((r) => `${r.action} ${r.status}`), ['DescribeAvailabilityZones 401']);
    assert.equal(aws.s3.requests.length, s3From, 'no S3 call: provider-state was never claimed');
    resetFaults();
    assert.deepEqual(ownedBy(environ.environment.uuid), { instances: 0, groups: 0 });
  });

  it('does not try another zone when the account is out of quota, and undoes the claim', async () => {
    resetFaults();
    aws.ec2.faults.quota = 'VcpuLimitExceeded';
    const environ = aws.environ();
    const from = aws.ec2.requests.length;
    await assert.rejects(bootstrap({ environ, clientKey, timeouts: fastWait }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.QuotaExceeded) !== undefined, error.message);
      assert.match(error.message, /quota/i);
      return true;
    });
    assert.equal(aws.ec2.requests.slice(from).filter((r) => r.action === 'RunInstances').length, 1);
    resetFaults();
    assert.deepEqual(ownedBy(environ.environment.uuid), { instances: 0, groups: 0 }, 'the security group it made is released');
    await assert.rejects(environ.storage().get({ key: 'provider-state' }), { code: 'NOT_FOUND' });
  });

  it('rides out throttling of 30% of all calls, retrying only throttled ones', async () => {
    resetFaults();
    aws.ec2.faults.throttleRate = 0.3;
    const environ = aws.environ();
    const from = aws.ec2.requests.length;
    await bootstrap({ environ, clientKey, timeouts: fastWait });
    assert.deepEqual((await destroy({ environ })).failures, []);
    const answered = aws.ec2.requests.slice(from);
    const throttled = answered.filter((r) => r.errorCode === 'RequestLimitExceeded');
    assert.ok(throttled.length > 0, 'the fault was in effect');
    assert.ok(answered.every((r) => r.status === 200 || r.errorCode === 'RequestLimitExceeded'), 'no other failure');
    assert.equal(answered.filter((r) => r.action === 'RunInstances' && r.status === 200).length, 1, 'one machine, whatever the retries');
    resetFaults();
    assert.deepEqual(ownedBy(environ.environment.uuid), { instances: 0, groups: 0 });
  });

  it('refuses a configured image that does not exist before anything is created', async () => {
    resetFaults();
    const environ = aws.environ({ config: { image: 'ami-0123456789abcdef0' } });
    const s3From = aws.s3.requests.length;
    await assert.rejects(bootstrap({ environ, clientKey, timeouts: fastWait }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.ConfigInvalid) !== undefined, error.message);
      assert.match(error.message, /ami-0123456789abcdef0/);
      return true;
    });
    assert.equal(aws.s3.requests.length, s3From);
  });

  it('warns that SSH is open to everyone, and reaches machines on private addresses only when told to', async () => {
    resetFaults();
    const environ = aws.environ({ config: { privateAddressesOnly: true } });
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait });
    assert.ok(result.warnings.some((w) => /0\.0\.0\.0\/0/.test(w)));
    assert.equal(result.controller.connectedAddress.scope, 'cloud-local');
    assert.match(result.controller.connectedAddress.value, /^10\.0\./);
    assert.deepEqual((await destroy({ environ })).failures, []);
    assert.ok(callsBeyondPolling(aws.ec2, 0).length > 0);
  });
});
