import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import {
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { failureOf, fakeEc2WithClient } from './ec2-test-client.js';

const { fake, ec2 } = await fakeEc2WithClient();

async function launch(userData: string | undefined): Promise<string> {
  const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
  const ImageId = Images[0]?.ImageId ?? assert.fail('the fake has an amd64 image');
  const { Instances = [] } = await ec2.send(
    new RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...(userData === undefined ? {} : { UserData: userData }) }),
  );
  return Instances[0]?.InstanceId ?? assert.fail('RunInstances answered an instance');
}

describe('fake EC2 endpoint, DescribeInstanceAttribute', () => {
  it('answers the user data RunInstances got, base64-encoded as EC2 answers it, gzip bytes and all, and still after termination', async () => {
    const bytes = gzipSync(Buffer.from('#cloud-config\nssh_keys: {}\n'));
    const id = await launch(bytes.toString('base64'));
    const answer = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    assert.equal(answer.InstanceId, id);
    assert.deepEqual(Buffer.from(answer.UserData?.Value ?? '', 'base64'), bytes);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const later = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    assert.equal(later.UserData?.Value, bytes.toString('base64'));
  });

  it('answers an empty userData for an instance launched without any', async () => {
    const id = await launch(undefined);
    const answer = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    assert.equal(answer.UserData?.Value, undefined);
  });

  it('refuses unknown and malformed ids, unknown attributes, and says which attributes it does not model', async () => {
    const [notFound, status, message] = await failureOf(ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: 'i-0123456789abcdef0', Attribute: 'userData' })));
    assert.deepEqual([notFound, status, message], ['InvalidInstanceID.NotFound', 400, "The instance ID 'i-0123456789abcdef0' does not exist"]);
    assert.deepEqual((await failureOf(ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: 'web-1', Attribute: 'userData' })))).slice(0, 2), ['InvalidInstanceID.Malformed', 400]);
    const { id } = fake.addInstance();
    const unknown = await failureOf(ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'colour' as 'userData' })));
    assert.deepEqual(unknown.slice(0, 2), ['InvalidParameterValue', 400]);
    const [code, , unmodelled] = await failureOf(ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'kernel' })));
    assert.equal(code, 'InvalidParameterValue');
    assert.match(unmodelled, /kernel is not modelled; only userData is/);
  });

  it('logs the call without the user data', async () => {
    const id = await launch(Buffer.from('#cloud-config\nsecret: yes\n').toString('base64'));
    await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    const logged = fake.requests.filter((request) => request.action === 'DescribeInstanceAttribute').at(-1);
    assert.deepEqual(logged?.params, { InstanceId: id, Attribute: 'userData' });
  });
});
