import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { startFakeAwsWithIam } from '../providers/ec2/launch-fixtures.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { fileSnapshot, planOf, refusedAlike } from './plan-fixtures.js';

const { aws, iam, env } = await startFakeAwsWithIam();
const profile = iam.addInstanceProfile({ name: 'envboot-controller', roles: ['envboot-controller'] });

/** A home whose environment `cloud` is on the fake AWS with `options` over the usual ones (and `local` on the local provider). */
async function home(bucket: string, options: Record<string, unknown> = {}): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-ec2-launch-');
  const environments = { cloud: { provider: 'ec2', options: { ...aws.options(bucket), ...options } }, local: { provider: 'local' } };
  await cli.write('environments.yaml', yaml.dump({ environments }));
  return cli;
}

function mark(): { ec2: number; s3: number; iam: number } {
  return { ec2: aws.ec2.requests.length, s3: aws.s3.requests.length, iam: iam.requests.length };
}

/** The EC2 and S3 requests since `from` that change something: none means nothing was created. */
function writesSince(from: { ec2: number; s3: number }): string[] {
  return [
    ...aws.ec2.requests.slice(from.ec2).map((r) => r.action).filter((action) => !/^(Describe|Get)/.test(action)),
    ...aws.s3.requests.slice(from.s3).map((r) => r.operation).filter((operation) => !/^(Get|Head|List)/.test(operation)),
  ];
}

describe('envboot on ec2 with instance-profile and --spot (fake EC2, S3 and IAM endpoints, real SDK)', () => {
  it('bootstraps a spot controller with the instance profile, and status shows it is spot', async (t) => {
    const cli = await home('envboot-launch-e2e', { 'instance-profile': profile.name });
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env }));
    const from = mark();
    const boot = await cli.run(['bootstrap', 'cloud', '--spot', '--json'], { env });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    assert.deepEqual(iam.requests.slice(from.iam).map((r) => `${r.action} ${r.params['InstanceProfileName'] ?? ''} ${r.status}`), ['GetInstanceProfile envboot-controller 200']);
    const runs = aws.ec2.requests.slice(from.ec2).filter((r) => r.action === 'RunInstances');
    const [run, ...more] = runs;
    assert.ok(run !== undefined && more.length === 0, 'one RunInstances');
    assert.equal(run.params['IamInstanceProfile.Name'], 'envboot-controller');
    assert.equal(run.params['InstanceMarketOptions.MarketType'], 'spot');
    const controller = (finalResult(boot)['result'] as { controller: { instanceId: string } }).controller;
    assert.equal(aws.ec2.instance(controller.instanceId).launch?.instanceProfile?.arn, profile.arn);

    const status = await cli.run(['status', 'cloud'], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^0\\*\\s+${controller.instanceId}\\s.*\\bspot$`, 'm'));
    const json = await cli.run(['status', 'cloud', '--json'], { env });
    const machines = (finalResult(json)['result'] as { machines: { hardware: { spot?: boolean } | null }[] }).machines;
    assert.equal(machines[0]?.hardware?.spot, true);

    // --spot is per command: a plain add-machine starts an on-demand machine, with the profile still.
    const addFrom = mark();
    const added = await cli.run(['add-machine', 'cloud'], { env });
    assert.equal(added.code, 0, added.stderr);
    const addRun = aws.ec2.requests.slice(addFrom.ec2).find((r) => r.action === 'RunInstances');
    assert.ok(addRun !== undefined);
    assert.equal(addRun.params['InstanceMarketOptions.MarketType'], undefined);
    assert.equal(addRun.params['IamInstanceProfile.Name'], 'envboot-controller');
    assert.match((await cli.run(['status', 'cloud'], { env })).stdout, /^1\s+i-\S+\s.*\barch=amd64$/m, 'machine 1 is not spot');

    const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(aws.ec2.instance(controller.instanceId).state, 'terminated');
  });

  it('--dry-run lists iam:GetInstanceProfile and iam:PassRole only when an instance profile is set, and says spot', async () => {
    const plain = planOf(await (await home('envboot-launch-plan')).run(['bootstrap', 'cloud', '--dry-run', '--json'], { env }));
    assert.deepEqual(plain.permissions.filter((action) => action.startsWith('iam:')), []);
    assert.equal(plain.calls.some((call) => call.action.startsWith('iam:')), false);

    const cli = await home('envboot-launch-plan', { 'instance-profile': profile.arn });
    const from = mark();
    const plan = planOf(await cli.run(['bootstrap', 'cloud', '--spot', '--dry-run', '--json'], { env }));
    assert.deepEqual(writesSince(from), [], 'a plan creates nothing');
    assert.deepEqual(plan.permissions.filter((action) => action.startsWith('iam:')), ['iam:GetInstanceProfile', 'iam:PassRole']);
    assert.ok(plan.calls.some((call) => call.action === 'iam:GetInstanceProfile' && call.step === 'preflight'));
    const run = plan.calls.find((call) => call.action === 'ec2:RunInstances');
    assert.match(run?.purpose ?? '', /\(spot\), with instance profile arn:aws:iam::123456789012:instance-profile\/envboot-controller in us-east-1a/);
    const notes = plan.machines[0]?.provider?.notes.join('\n') ?? '';
    assert.match(notes, /one-time spot instance/);
    assert.match(notes, /iam:PassRole is needed on instance profile envboot-controller's role/);
    const text = await cli.run(['bootstrap', 'cloud', '--spot', '--dry-run'], { env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /iam:PassRole/);
  });

  it('refuses bad launch options before touching AWS: exit 2, the option named, nothing created', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'instance-profile': 'arn:aws:iam::123456789012:role/envboot-controller' }, /instance-profile: .*is a role's ARN; EC2 gives a role to machines through an instance profile/],
      [{ 'instance-profile': 'has space' }, /instance-profile: "has space" has " "; an instance profile name/],
      [{ spot: 'yes' }, /spot: must be true or false, got "yes"; write true without quotes/],
      [{ spot: false, 'spot-max-price': 0.1 }, /spot-max-price: caps the price of spot machines, but spot is false/],
    ];
    for (const [options, message] of cases) {
      const cli = await home('envboot-launch-bad', options);
      const from = mark();
      assert.match(await refusedAlike(cli, ['bootstrap', 'cloud'], env), message);
      assert.deepEqual(aws.ec2.requests.length - from.ec2 + aws.s3.requests.length - from.s3 + iam.requests.length - from.iam, 0, 'no AWS request at all');
      assert.deepEqual(await fileSnapshot(`${cli.home}/data`), []);
    }
  });

  it('refuses an instance profile that does not exist after preflight asks IAM: exit 2, nothing created', async () => {
    const cli = await home('envboot-launch-missing', { 'instance-profile': 'not-made-yet' });
    const from = mark();
    const groups = aws.ec2.securityGroups().length;
    const boot = await cli.run(['bootstrap', 'cloud'], { env });
    assert.equal(boot.code, 2, boot.stderr);
    assert.match(boot.stderr, /instance-profile: not-made-yet does not exist in this account .*create it \(`aws iam create-instance-profile`/);
    assert.deepEqual(writesSince(from), []);
    assert.equal(aws.s3.bucketExists('envboot-launch-missing'), false);
    assert.equal(aws.ec2.securityGroups().length, groups);
    assert.equal(iam.requests.at(-1)?.errorCode, 'NoSuchEntity');
  });

  it('refuses --spot on an environment of another provider, naming the provider that takes it', async () => {
    const cli = await home('envboot-launch-unused');
    for (const command of [['bootstrap', 'local', '--spot'], ['add-machine', 'local', '--spot']]) {
      const run = await cli.run(command);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /flags that are for the ec2 provider \(--spot\) do not apply to environment "local": it is on the local provider/);
    }
    assert.deepEqual(await fileSnapshot(`${cli.home}/data`), []);
  });
});
