import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
  type ResourceType,
  type RunInstancesCommandInput,
  type Tag,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import { failureOf, fakeEc2WithClient } from './ec2-test-client.js';

const { fake, ec2 } = await fakeEc2WithClient();
beforeEach(() => {
  fake.faults.requireTags = [];
});

const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
const imageId = Images[0]?.ImageId ?? assert.fail('the fake has an amd64 image');
const spot: Partial<RunInstancesCommandInput> = { InstanceMarketOptions: { MarketType: 'spot' } };

function launch(input: Partial<RunInstancesCommandInput>): Promise<unknown> {
  return ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...input }));
}

/** A TagSpecification per resource type, each with the same tags. */
function tagging(types: readonly ResourceType[], tags: readonly Tag[]): TagSpecification[] {
  return types.map((ResourceType) => ({ ResourceType, Tags: [...tags] }));
}

const costCentre: Tag[] = [{ Key: 'cost-centre', Value: '0042' }];
const everyLaunchType: ResourceType[] = ['instance', 'volume', 'network-interface'];

/** How many instances and security groups the fake holds: a refused call creates none. */
function created(): number {
  return fake.instances().length + fake.securityGroups().length;
}

describe('fake EC2 endpoint, tags at creation', () => {
  it('keeps the spot request tags with the spot request, apart from the instance tags', async () => {
    const before = fake.instances().length;
    await launch({ ...spot, TagSpecifications: [...tagging(everyLaunchType, costCentre), ...tagging(['spot-instances-request'], [{ Key: 'team', Value: 'ci' }])] });
    const [instance] = fake.instances().slice(before);
    assert.equal(instance?.launch?.spot?.tags['team'], 'ci');
    assert.deepEqual(instance.tags, { 'cost-centre': '0042' });
  });

  it('refuses tags for a spot request on a launch that is not spot, as EC2 does, and launches nothing', async () => {
    const before = created();
    assert.deepEqual(await failureOf(launch({ TagSpecifications: tagging([...everyLaunchType, 'spot-instances-request'], costCentre) })), [
      'InvalidParameterValue',
      400,
      'You cannot specify tags for Spot instances requests if there are no Spot instances requests being created by the request.',
    ]);
    assert.equal(created(), before);
  });

  it('takes 50 tags for one resource and refuses 51 with TagLimitExceeded, counting every specification of the type', async () => {
    const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: String(i) }));
    const before = fake.instances().length;
    await launch({ TagSpecifications: tagging(['instance'], tags(50)) });
    assert.equal(Object.keys(fake.instances()[before]?.tags ?? {}).length, 50);

    const refusals = [
      await failureOf(launch({ TagSpecifications: tagging(['volume'], tags(51)) })),
      await failureOf(launch({ TagSpecifications: [...tagging(['instance'], tags(30)), ...tagging(['instance'], tags(21, 'other'))] })),
      await failureOf(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'many-tags', Description: 'x', TagSpecifications: tagging(['security-group'], tags(51)) }))),
    ];
    assert.deepEqual(refusals.map(([code, status]) => [code, status]), [['TagLimitExceeded', 400], ['TagLimitExceeded', 400], ['TagLimitExceeded', 400]]);
    assert.match(refusals[0]?.[2] ?? '', /limit on the number of tags \(50\).*volume/);
    assert.equal(fake.instances().length, before + 1);
    assert.equal(fake.securityGroups().some((group) => group.name === 'many-tags'), false);
  });
});

describe('fake EC2 endpoint, a tag policy (faults.requireTags)', () => {
  const cases: { name: string; input: Partial<RunInstancesCommandInput>; deniedOn?: string }[] = [
    { name: 'every resource of an on-demand launch tagged', input: { TagSpecifications: tagging(everyLaunchType, costCentre) } },
    { name: 'every resource of a spot launch tagged', input: { ...spot, TagSpecifications: tagging([...everyLaunchType, 'spot-instances-request'], costCentre) } },
    { name: 'no tags at all', input: {}, deniedOn: 'instance' },
    { name: 'the volume untagged', input: { TagSpecifications: tagging(['instance', 'network-interface'], costCentre) }, deniedOn: 'volume' },
    { name: 'the network interface untagged', input: { TagSpecifications: tagging(['instance', 'volume'], costCentre) }, deniedOn: 'network-interface' },
    { name: 'the spot request untagged', input: { ...spot, TagSpecifications: tagging(everyLaunchType, costCentre) }, deniedOn: 'spot-instances-request' },
  ];
  for (const c of cases) {
    it(`${c.deniedOn === undefined ? 'allows' : 'denies'} a RunInstances with ${c.name}`, async () => {
      fake.faults.requireTags = ['cost-centre'];
      const before = created();
      if (c.deniedOn === undefined) {
        await launch(c.input);
        assert.equal(created(), before + 1);
        return;
      }
      const [code, status, message] = await failureOf(launch(c.input));
      assert.deepEqual([code, status], ['UnauthorizedOperation', 403]);
      assert.match(message, new RegExp(`ec2:RunInstances on resource: arn:aws:ec2:${fake.region}:\\d+:${c.deniedOn}/\\* with an explicit deny in a service control policy`));
      assert.equal(created(), before, 'nothing is created');
    });
  }

  it('holds a security group to it too', async () => {
    fake.faults.requireTags = ['cost-centre'];
    const [code, , message] = await failureOf(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'untagged', Description: 'x' })));
    assert.equal(code, 'UnauthorizedOperation');
    assert.match(message, /ec2:CreateSecurityGroup on resource: .*:security-group\/\*/);
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'tagged', Description: 'x', TagSpecifications: tagging(['security-group'], costCentre) }));
    assert.deepEqual(fake.securityGroups().filter((group) => group.name === 'untagged' || group.name === 'tagged').map((group) => group.name), ['tagged']);
  });
});
