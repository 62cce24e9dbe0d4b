import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { environmentTags, exitCodeFor, prepareEnviron, type PlanStartParams } from '../../../src/index.js';
import { defaultImages } from '../../fakes/ec2-endpoint.js';
import { sshConfig, startFakeAws } from './fixtures.js';

const aws = await startFakeAws();
const region = aws.ec2.region;

function controllerStart(zones: readonly string[]): PlanStartParams {
  return { machineId: '0', controller: true, bootstrap: true, constraints: {}, instanceType: 't3.micro', zones };
}

/** The EC2 actions and S3 operations since `from`. */
function sent(from: { ec2: number; s3: number }): string[] {
  return [...aws.ec2.requests.slice(from.ec2).map((r) => r.action), ...aws.s3.requests.slice(from.s3).map((r) => `s3 ${r.operation}`)];
}

function mark(): { ec2: number; s3: number } {
  return { ec2: aws.ec2.requests.length, s3: aws.s3.requests.length };
}

describe('the ec2 provider plans a start with read-only calls', () => {
  it('in a configured VPC: each zone\'s subnet, the group it finds reused, only what it lacks opened, as the real start then does', async () => {
    const vpcId = 'vpc-0123456789abcdef0';
    const subnetB = aws.ec2.addSubnet({ zone: `${region}b`, vpcId });
    const subnetA = aws.ec2.addSubnet({ zone: `${region}a`, vpcId });
    const environment = { name: `plan-${randomUUID().slice(0, 8)}`, uuid: randomUUID() };
    const group = aws.ec2.addSecurityGroup({ name: `envboot-${environment.name}`, vpcId, tags: environmentTags(environment) });
    const environ = aws.environ({ environment, config: { ...sshConfig, vpc: vpcId } });

    const from = mark();
    const plan = await environ.planStart(controllerStart([`${region}b`, `${region}a`]));
    assert.deepEqual(sent(from), ['DescribeInstanceTypeOfferings', 'DescribeInstanceTypes', 'DescribeSubnets', 'DescribeImages', 'DescribeSecurityGroups', 's3 ListObjectsV2']);
    assert.deepEqual(plan.network?.subnets, [{ zone: `${region}b`, subnet: subnetB.id }, { zone: `${region}a`, subnet: subnetA.id }]);
    assert.equal(plan.network.description, `${region}, VPC ${vpcId}`);
    assert.deepEqual(plan.resources.map((r) => [r.kind, r.action, r.detail]), [
      ['bucket', 'create', 'it lists nothing: made on the first write, unless it exists empty'],
      ['security-group', 'reuse', 'opens SSH from 192.0.2.0/24 and traffic between the machines'],
    ]);
    assert.match(plan.resources[1]?.name ?? '', new RegExp(`\\(${group.id}\\)$`));
    const prepare = plan.calls.filter((c) => c.step === 'prepare').map((c) => c.action);
    assert.deepEqual(prepare, ['ec2:DescribeSecurityGroups', 'ec2:AuthorizeSecurityGroupIngress'], 'found, so not created; SSH is missing, so opened');
    assert.ok(plan.calls.some((c) => c.step === 'preflight' && c.action === 'ec2:DescribeSubnets'));

    const real = mark();
    await prepareEnviron(environ);
    const { instance } = await environ.startInstance({ machineId: '0', zone: `${region}b`, constraints: {}, instanceType: 't3.micro', userData: new TextEncoder().encode('#cloud-config\n'), tags: environmentTags(environment) });
    assert.deepEqual(sent(real).filter((action) => /Security|RunInstances/.test(action)), ['DescribeSecurityGroups', 'AuthorizeSecurityGroupIngress', 'RunInstances']);
    const run = aws.ec2.requests.slice(real.ec2).find((r) => r.action === 'RunInstances');
    assert.equal(run?.params['SubnetId'], subnetB.id, 'the subnet the plan named');
    assert.equal(run.params['ImageId'], plan.image?.id, 'the image the plan named');
    await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
  });

  it('checks a configured image in preflight and names it as configured; one that does not exist is refused as the start refuses it', async () => {
    const image = defaultImages[0]?.id ?? '';
    const environ = aws.environ({ config: { ...sshConfig, image } });
    const plan = await environ.planStart(controllerStart([`${region}a`]));
    assert.equal(plan.image?.id, image);
    assert.equal(plan.image.source, `configured ("image": ${image}), amd64`);
    assert.deepEqual(plan.calls.filter((c) => c.action === 'ec2:DescribeImages').map((c) => c.step), ['preflight']);

    const missing = aws.environ({ config: { ...sshConfig, image: 'ami-0000000000000dead' } });
    const from = mark();
    const error = await missing.planStart(controllerStart([`${region}a`])).then(() => assert.fail('planned a missing image'), (e: unknown) => e);
    assert.equal(exitCodeFor(error), 2, 'bad config, as the start would say');
    assert.match(String(error), /ami-0000000000000dead.* does not exist .*check `image` in the environment config/);
    assert.deepEqual(sent(from).filter((action) => !/^(Describe|s3 List)/.test(action)), []);
  });

  it('for add-machine: provider-state read and ids reserved instead of the claim, the group found at the first start, and no bucket listed', async () => {
    const environ = aws.environ({ config: sshConfig });
    const from = mark();
    const plan = await environ.planStart({ ...controllerStart([`${region}c`, `${region}a`]), machineId: '4', controller: false, bootstrap: false });
    assert.equal(sent(from).includes('s3 ListObjectsV2'), false);
    assert.deepEqual([...new Set(plan.calls.map((c) => c.step))], ['preflight', 'reserve-ids', 'start-instance', 'record-state', 'wait-ssh']);
    assert.deepEqual(plan.calls.filter((c) => c.writes).map((c) => c.action), ['s3:PutObject', 'ec2:CreateSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RunInstances', 's3:PutObject']);
    assert.match(plan.calls.find((c) => c.action === 'ec2:RunInstances')?.purpose ?? '', /^start machine 4 as t3\.micro in us-east-1c \(then us-east-1a if that one has no capacity\)/);
    assert.equal(plan.permissions?.includes('ec2:DeleteSecurityGroup'), false, 'a failed add-machine keeps the group');
    assert.deepEqual(plan.resources.map((r) => r.kind), ['security-group']);
  });
});
