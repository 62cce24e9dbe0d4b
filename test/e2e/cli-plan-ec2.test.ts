import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { ec2ProviderCalls } from '../../providers/ec2/index.js';
import { TagKey } from '../../src/index.js';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, type CliHome } from '../src/cli/cli-harness.js';
import { fileSnapshot, planOf, refusedAlike, uniqueInOrder, type PlanJson } from './plan-fixtures.js';

const aws: FakeAws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);

/** What EC2 and S3 answer without changing anything. */
const readingEc2 = /^(Describe|Get|List)/;
const readingS3 = new Set(['GetObject', 'HeadObject', 'HeadBucket', 'ListObjectsV2']);
/** The IAM actions the provider may ever need (`ec2ProviderCalls`), as `ec2:X` and `s3:X`. */
const knownActions = new Set([...ec2ProviderCalls.ec2.map((a) => `ec2:${a}`), ...ec2ProviderCalls.s3.map((a) => `s3:${a}`)]);

async function ec2Home(bucket: string, options: Record<string, unknown> = {}): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-plan-ec2-');
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: { ...aws.options(bucket), ...options } } } }));
  return cli;
}

/** The AWS requests since `from`: EC2 actions and S3 operations. */
function requestsSince(from: { ec2: number; s3: number }): { ec2: string[]; s3: string[] } {
  return { ec2: aws.ec2.requests.slice(from.ec2).map((r) => r.action), s3: aws.s3.requests.slice(from.s3).map((r) => r.operation) };
}

function mark(): { ec2: number; s3: number } {
  return { ec2: aws.ec2.requests.length, s3: aws.s3.requests.length };
}

function assertOnlyReads(sent: { ec2: string[]; s3: string[] }): void {
  assert.deepEqual(sent.ec2.filter((action) => !readingEc2.test(action)), [], `EC2 calls that change something: ${sent.ec2.join(', ')}`);
  assert.deepEqual(sent.s3.filter((operation) => !readingS3.has(operation)), [], `S3 calls that change something: ${sent.s3.join(', ')}`);
}

/** The plan's calls to one service (`ec2:`, `s3:`), each once, in order. */
function plannedCalls(plan: PlanJson, service: 'ec2' | 's3'): string[] {
  return uniqueInOrder(plan.calls.map((call) => call.action).filter((action) => action.startsWith(`${service}:`)));
}

describe('envboot bootstrap and add-machine --dry-run on the ec2 provider (fake AWS endpoints, real SDK)', () => {
  it('plans with read-only calls only, writes nothing, and lists exactly the calls the real bootstrap and add-machine then make', async (t) => {
    const bucket = 'envboot-plan-fresh';
    const cli = await ec2Home(bucket);
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    const groupsBefore = aws.ec2.securityGroups().length;
    const instancesBefore = aws.ec2.instances().length;

    const before = mark();
    const plan = planOf(await cli.run(['bootstrap', 'cloud', '--dry-run', '--json'], { env: awsEnv }));
    assertOnlyReads(requestsSince(before));
    assert.equal(aws.s3.bucketExists(bucket), false, 'no bucket was created');
    assert.equal(aws.ec2.securityGroups().length, groupsBefore);
    assert.equal(aws.ec2.instances().length, instancesBefore);
    assert.deepEqual(await fileSnapshot(`${cli.home}/data`), [], 'no record, client key or lock under the data directory');

    const [controller] = plan.machines;
    assert.ok(controller !== undefined);
    // ec2's defaults: amd64, and the controller's memory floor (2 GiB), not the cheapest type of all (t3.nano, 0.5 GiB).
    assert.equal(controller.instanceType?.name, 't3a.small');
    assert.equal(controller.instanceType.pricePerHour, 0.0188);
    assert.match(controller.instanceType.reason, /^the cheapest type that meets arch=amd64 \(default\) mem≥2G \(controller default\)$/);
    assert.deepEqual(controller.zones, ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    const provider = controller.provider;
    assert.ok(provider !== null);
    assert.match(provider.image?.id ?? '', /^ami-/);
    assert.match(provider.image?.description ?? '', /ubuntu-noble-24\.04-amd64-server/);
    assert.deepEqual(provider.resources.map((r) => `${r.action} ${r.kind}`), ['create bucket', 'create security-group']);
    assert.ok(plan.userData.bytes < plan.userData.limit && plan.userData.gzip);
    assert.deepEqual(plan.permissions.filter((action) => !knownActions.has(action)), [], 'every permission is one the provider documents');
    assert.ok(plan.permissions.includes('ec2:CreateTags') && plan.permissions.includes('ec2:RunInstances'));

    const real = mark();
    const boot = await cli.run(['bootstrap', 'cloud', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const made = requestsSince(real);
    assert.deepEqual(plannedCalls(plan, 'ec2'), uniqueInOrder(made.ec2.map((action) => `ec2:${action}`)));
    assert.deepEqual(plannedCalls(plan, 's3'), uniqueInOrder(made.s3.map((operation) => `s3:${operation}`)));

    const again = await cli.run(['bootstrap', 'cloud', '--dry-run'], { env: awsEnv });
    const second = await cli.run(['bootstrap', 'cloud'], { env: awsEnv });
    assert.equal(again.code, second.code, again.stderr);
    assert.match(again.stderr, /^Error: environment "cloud" is already bootstrapped; "envboot status cloud" shows it/m);
    assert.match(second.stderr, /^Error: environment "cloud" is already bootstrapped; "envboot status cloud" shows it/m);

    const records = await fileSnapshot(cli.environmentDir('cloud'));
    const addBefore = mark();
    const added = planOf(await cli.run(['add-machine', 'cloud', '-n', '2', '--dry-run', '--json'], { env: awsEnv }));
    assertOnlyReads(requestsSince(addBefore));
    assert.deepEqual(await fileSnapshot(cli.environmentDir('cloud')), records, "the client's records are untouched");
    assert.deepEqual(added.machines.map((m) => m.id), ['1', '2']);
    assert.deepEqual(added.machines.map((m) => m.zones[0]), ['us-east-1b', 'us-east-1c'], 'spread from the controller in us-east-1a');
    assert.deepEqual(added.machines[0]?.provider?.resources.map((r) => `${r.action} ${r.kind}`), ['reuse security-group']);

    const addReal = mark();
    const add = await cli.run(['add-machine', 'cloud', '-n', '2', '--json'], { env: awsEnv });
    assert.equal(add.code, 0, add.stderr + add.stdout);
    const addMade = requestsSince(addReal);
    assert.deepEqual(plannedCalls(added, 'ec2'), uniqueInOrder(addMade.ec2.map((action) => `ec2:${action}`)));
    assert.deepEqual(plannedCalls(added, 's3'), uniqueInOrder(addMade.s3.map((operation) => `s3:${operation}`)));
    const zones = aws.ec2.instances().filter((i) => i.tags[TagKey.EnvironmentName] === 'cloud' && i.tags[TagKey.MachineId] !== '0').map((i) => i.zone).sort();
    assert.deepEqual(zones, ['us-east-1b', 'us-east-1c']);
  });

  it('prints a plan an operator reads in one screen: type and price, image, zones, calls, and that nothing was created', async () => {
    const cli = await ec2Home('envboot-plan-text');
    const run = await cli.run(['bootstrap', 'cloud', '--dry-run', '--constraints', 'cores=2 mem=1G arch=amd64', '--expose', '443'], { env: awsEnv });
    assert.equal(run.code, 0, run.stderr);
    const text = run.stdout;
    assert.match(text, /^Plan for the bootstrap of "cloud" on ec2 \(dry run\)$/m);
    assert.match(text, /^ {2}constraints: +arch=amd64 cores=2 mem=1G$/m);
    assert.match(text, /^ {2}expose: +443\/tcp from anywhere$/m);
    assert.match(text, /^ {2}0 \(controller\) +t3\.micro +\$0\.0104 +us-east-1a, us-east-1b, us-east-1c$/m);
    assert.match(text, /t3\.micro: the cheapest type that meets arch=amd64 cores=2 mem=1G .*about \$7\.59 a month/);
    assert.match(text, /^ {2}image: +ami-\w+ \(ubuntu\/images\//m);
    assert.match(text, /^ {2}create: +security-group envboot-cloud-/m);
    assert.match(text, /^ {2}open-ports +\* +ec2:AuthorizeSecurityGroupIngress +open 443\/tcp/m);
    assert.match(text, /^ {2}start-instance +\* +ec2:RunInstances +start machine 0 as t3\.micro in us-east-1a/m);
    assert.match(text, /^Permissions it needs\n {2}ec2: DescribeAvailabilityZones .*\n(?: {7}.*\n)* {2}s3: {2}PutObject CreateBucket/m);
    assert.match(text, /Nothing was created: this was a dry run\.\n$/);
    assert.ok(text.split('\n').length <= 60, `one screen: ${String(text.split('\n').length)} lines`);
    assert.equal(aws.s3.bucketExists('envboot-plan-text'), false);
  });

  it('refuses bad input as bootstrap and add-machine do: exit 2, the same message, nothing created', async () => {
    const cli = await ec2Home('envboot-plan-refused');
    await refusedAlike(cli, ['bootstrap', 'cloud', '--constraints', 'cores=999'], awsEnv);
    await refusedAlike(cli, ['bootstrap', 'cloud', '--constraints', 'instance-type=x9.nothing'], awsEnv);
    await refusedAlike(cli, ['bootstrap', 'cloud', '--zone', 'us-east-1z'], awsEnv);
    await refusedAlike(cli, ['bootstrap', 'cloud', '--constraints', 'cores=two'], awsEnv);
    await refusedAlike(cli, ['bootstrap', 'cloud', '--expose', '70000'], awsEnv);
    await cli.write('packages.yaml', '#cloud-config\npackages: [nginx]\nruncmd: 3\n');
    await refusedAlike(cli, ['bootstrap', 'cloud', '--cloud-config', `${cli.home}/packages.yaml`], awsEnv);
    await refusedAlike(cli, ['add-machine', 'nowhere'], awsEnv);
    const resumed = await cli.run(['bootstrap', 'cloud', '--dry-run', '--resume'], { env: awsEnv });
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, /--dry-run plans a new bootstrap and cannot be combined with --resume/);
    assert.equal(aws.s3.bucketExists('envboot-plan-refused'), false);
    assert.deepEqual(cli.environmentDirs(), []);

    const typo = await ec2Home('envboot-plan-typo', { 'ssh-cidrs': '10.0.0.0/8' });
    await refusedAlike(typo, ['bootstrap', 'cloud'], awsEnv);
    assert.deepEqual(typo.environmentDirs(), []);
  });
});
