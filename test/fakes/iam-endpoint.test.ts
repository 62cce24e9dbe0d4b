import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { defaultImages, startFakeEc2 } from './ec2-endpoint.js';
import { startFakeIam } from './iam-endpoint.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const iam = await startFakeIam();
const ec2 = await startFakeEc2({
  instanceProfiles: (ref) => {
    const found = iam.instanceProfiles().find((p) => (ref.name === undefined ? p.arn === ref.arn : p.name === ref.name));
    return found === undefined ? undefined : { arn: found.arn, id: 'AIPATESTPROFILE' };
  },
});
const iamClient = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const ec2Client = new EC2Client({ endpoint: ec2.endpoint, region: ec2.region, credentials, maxAttempts: 1 });
after(async () => {
  iamClient.destroy();
  ec2Client.destroy();
  await Promise.all([iam.close(), ec2.close()]);
});
const profile = iam.addInstanceProfile({ name: 'web', path: '/apps/', roles: ['web-role'] });

describe('the fake IAM endpoint, through the SDK', () => {
  it('answers GetInstanceProfile with the profile, its path and its roles', async () => {
    const answer = await iamClient.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' }));
    assert.equal(answer.InstanceProfile?.Arn, 'arn:aws:iam::123456789012:instance-profile/apps/web');
    assert.equal(answer.InstanceProfile.Path, '/apps/');
    assert.deepEqual(answer.InstanceProfile.Roles?.map((role) => [role.RoleName, role.Arn]), [['web-role', 'arn:aws:iam::123456789012:role/web-role']]);
  });

  it('answers 404 NoSuchEntity for a profile it does not know, and 403 AccessDenied when denied', async () => {
    await assert.rejects(iamClient.send(new GetInstanceProfileCommand({ InstanceProfileName: 'nope' })), (error: Error) => {
      assert.ok(error instanceof NoSuchEntityException);
      assert.equal(error.$metadata.httpStatusCode, 404);
      return true;
    });
    iam.deny.add('GetInstanceProfile');
    try {
      await assert.rejects(iamClient.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' })), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(error.name, 'AccessDenied');
        assert.equal(error.$metadata?.httpStatusCode, 403);
        assert.match(error.message, /is not authorized to perform: iam:GetInstanceProfile/);
        return true;
      });
    } finally {
      iam.deny.clear();
    }
  });
});

describe('the fake EC2 endpoint: instance profiles and spot, through the SDK', () => {
  const image = defaultImages.find((candidate) => candidate.architecture === 'x86_64')?.id ?? '';
  const launch = (extra: Partial<RunInstancesCommandInput>) => ec2Client.send(new RunInstancesCommand({ ImageId: image, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...extra }));

  it("keeps the profile and spot on the instance, as DescribeInstances shows them", async () => {
    const started = await launch({ IamInstanceProfile: { Arn: profile.arn }, InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time' } } });
    const id = started.Instances?.[0]?.InstanceId ?? '';
    const [seen] = (await ec2Client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances ?? [];
    assert.deepEqual(seen?.IamInstanceProfile, { Arn: profile.arn, Id: 'AIPATESTPROFILE' });
    assert.equal(seen.InstanceLifecycle, 'spot');
    assert.match(seen.SpotInstanceRequestId ?? '', /^sir-[0-9a-f]{8}$/);
  });

  it('refuses what EC2 refuses: an unknown profile, name and ARN together, a persistent request that terminates', async () => {
    await assert.rejects(launch({ IamInstanceProfile: { Name: 'nope' } }), { name: 'InvalidParameterValue', message: 'Value (nope) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name' });
    await assert.rejects(launch({ IamInstanceProfile: { Name: 'web', Arn: profile.arn } }), { name: 'InvalidParameterCombination' });
    await assert.rejects(launch({ InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'terminate' } } }), {
      name: 'InvalidParameterCombination',
    });
  });
});
