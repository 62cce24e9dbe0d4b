import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ec2ProviderCalls, type Ec2Environ } from '../../../providers/ec2/index.js';
import { ErrorCode, findInChain, generateSshKeyPair, machineTags, machineUserData, proofFromUserData } from '../../../src/index.js';
import { startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const client = generateSshKeyPair({ comment: 'ec2-user-data' });
const made = machineUserData({ clientPublicKey: client.publicKey, machineId: '3', capabilities: { maxUserDataBytes: 16_384, userDataGzip: true } });

/** A running instance of `environ`'s environment, seeded with `userData` as RunInstances would keep it (no machine boots). */
function ownInstance(environ: Ec2Environ, userData: Uint8Array = made.userData): string {
  return aws.ec2.addInstance({ tags: machineTags(environ.environment, '3'), userData: Buffer.from(userData) }).id;
}

/** The EC2 actions asked since `from`, with their status. */
function callsSince(from: number): string[] {
  return aws.ec2.requests.slice(from).map((request) => `${request.action} ${request.status}${request.errorCode === undefined ? '' : ` ${request.errorCode}`}`);
}

function resetFaults(): void {
  Object.assign(aws.ec2.faults, { throttleNext: 0, unauthorized: [] });
}

describe('ec2 provider: user-data', () => {
  it("reads an own instance's user-data back through DescribeInstanceAttribute, base64 undone, byte for byte", async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ);
    const from = aws.ec2.requests.length;
    const read = await environ.instanceUserData({ id });
    assert.deepEqual(read, new Uint8Array(made.userData));
    assert.deepEqual(proofFromUserData(read), { hostKeys: [made.hostKey.publicKey.trim()], nonce: made.nonce });
    assert.deepEqual(callsSince(from), ['DescribeInstances 200', 'DescribeInstanceAttribute 200'], 'one ownership check, one read');
    const sent = aws.ec2.requests.slice(from).find((request) => request.action === 'DescribeInstanceAttribute');
    assert.deepEqual(sent?.params, { InstanceId: id, Attribute: 'userData' });
    for (const action of aws.ec2.requests.map((request) => request.action)) {
      assert.ok((ec2ProviderCalls.ec2 as readonly string[]).includes(action), `${action} is missing from the IAM list`);
    }
  });

  it('gives what RunInstances got for a machine this Environ started, at once', async () => {
    resetFaults();
    const environ = aws.environ();
    const started = await environ.startInstance({ machineId: '3', constraints: {}, userData: made.userData, tags: machineTags(environ.environment, '3') });
    try {
      assert.deepEqual(await environ.instanceUserData({ id: started.instance.id }), new Uint8Array(made.userData));
    } finally {
      await environ.stopInstances({ ids: [started.instance.id] });
    }
  });

  it('gives empty bytes for an own instance launched without user-data', async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ, new Uint8Array());
    assert.deepEqual(await environ.instanceUserData({ id }), new Uint8Array());
  });

  it("never reads the user-data of another environment's instance, an untagged or terminated one, or an unknown id", async () => {
    resetFaults();
    const environ = aws.environ();
    const stranger = aws.environ({ environment: { name: 'stranger', uuid: randomUUID() } });
    const theirs = ownInstance(stranger);
    const untagged = aws.ec2.addInstance({ tags: { Name: 'someone-elses' }, userData: Buffer.from(made.userData) }).id;
    const terminated = ownInstance(environ);
    aws.ec2.setInstanceState(terminated, 'terminated');
    const from = aws.ec2.requests.length;
    for (const id of [theirs, untagged, terminated, 'i-0123456789abcdef0', 'not-an-instance-id', 'i-*']) {
      assert.equal(await environ.instanceUserData({ id }), undefined, id);
    }
    assert.ok(!callsSince(from).some((call) => call.startsWith('DescribeInstanceAttribute')), 'no user-data was fetched');
    assert.deepEqual(await stranger.instanceUserData({ id: theirs }), new Uint8Array(made.userData), 'its own environment reads it');
  });

  it('retries a throttled call, names the missing permission, and is CANCELLED when aborted', async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ);
    aws.ec2.faults.throttleNext = 2;
    assert.deepEqual(await environ.instanceUserData({ id }), new Uint8Array(made.userData));
    aws.ec2.faults.unauthorized = ['DescribeInstanceAttribute'];
    await assert.rejects(environ.instanceUserData({ id }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.CredentialsInvalid) !== undefined, error.message);
      assert.match(error.message, /reading the user-data of instance i-\w+: .*lack the ec2:DescribeInstanceAttribute permission/);
      assert.ok(!error.message.includes(made.nonce), 'no secret in the message');
      return true;
    });
    resetFaults();
    const from = aws.ec2.requests.length;
    await assert.rejects(environ.instanceUserData({ id, signal: AbortSignal.abort() }), (error: Error) => findInChain(error, ErrorCode.Cancelled) !== undefined);
    assert.equal(aws.ec2.requests.length, from, 'an aborted read makes no call');
  });
});
