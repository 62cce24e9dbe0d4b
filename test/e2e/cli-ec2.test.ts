import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { environmentTags, TagKey } from '../../src/index.js';
import { requireTool } from '../helpers/require-tool.js';
import { callsBeyondPolling, sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';

const aws: FakeAws = await startFakeAws();

const awsEnv = sdkEnvironment(aws);

async function ec2Home(bucket: string): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-ec2-');
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options(bucket) } } }));
  return cli;
}

describe('the envboot command on the ec2 provider (fake AWS endpoints, real SDK)', () => {
  it('bootstraps, reports status, runs commands over envboot and OpenSSH through the jump host, cleans up leftovers and destroys everything', async (t) => {
    const cli = await ec2Home('envboot-e2e-state');
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    const ec2From = aws.ec2.requests.length;
    const s3From = aws.s3.requests.length;
    const boot = await cli.run(['bootstrap', 'cloud', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    assert.doesNotMatch(boot.stderr, /NodeVersionSupportWarning/);
    const ec2Calls = callsBeyondPolling(aws.ec2, ec2From);
    assert.ok(ec2Calls.length <= 15, ec2Calls.join(', '));
    assert.ok(aws.s3.requests.length - s3From <= 6, aws.s3.requests.slice(s3From).map((r) => r.operation).join(', '));
    const controller = (finalResult(boot)['result'] as { controller: { instanceId: string } }).controller;
    assert.ok(['pending', 'running'].includes(aws.ec2.instance(controller.instanceId).state));

    const status = await cli.run(['status', 'cloud'], { env: awsEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(controller.instanceId));
    assert.match(status.stdout, /s3:\/\/envboot-e2e-state\//);

    const exec = await cli.run(['exec', 'cloud', '0', '--', 'echo', 'hello from ec2'], { env: awsEnv });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'hello from ec2\n');

    if (requireTool(t, 'ssh', 'envboot ssh runs the OpenSSH client') !== undefined) {
      const ssh = await cli.run(['ssh', 'cloud', '0', '--', 'echo', 'through-proxy'], { env: awsEnv });
      assert.equal(ssh.code, 0, ssh.stderr);
      assert.equal(ssh.stdout.trim(), 'through-proxy');
    }

    const stale = { name: 'crashed', uuid: randomUUID() };
    const leftover = aws.ec2.addInstance({ tags: { ...environmentTags(stale), 'envboot-provider-state': 's3://envboot-e2e-state/crashed/' } }).id;
    const dry = await cli.run(['cleanup', '--provider', 'ec2', '--region', aws.ec2.region, '--dry-run'], { env: awsEnv });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`instance ${leftover} of crashed .*no provider-state at s3://envboot-e2e-state/crashed/`));
    assert.doesNotMatch(dry.stdout, new RegExp(controller.instanceId), 'a live environment is not a leftover');
    assert.equal(aws.ec2.instance(leftover).state, 'running');
    const unconfirmed = await cli.run(['cleanup', '--provider', 'ec2', '--region', aws.ec2.region], { env: awsEnv });
    assert.equal(unconfirmed.code, 2, 'without a terminal, removing needs --yes');
    const cleaned = await cli.run(['cleanup', '--provider', 'ec2', '--region', aws.ec2.region, '--yes'], { env: awsEnv });
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.equal(aws.ec2.instance(leftover).state, 'terminated');
    assert.ok(['pending', 'running'].includes(aws.ec2.instance(controller.instanceId).state));

    const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(aws.ec2.instance(controller.instanceId).state, 'terminated');
    assert.equal(aws.ec2.securityGroups().some((g) => g.tags[TagKey.EnvironmentName] === 'cloud'), false);
    assert.equal(aws.s3.bucketExists('envboot-e2e-state'), false);
  });

  it('checks the provider health without creating anything, and exits 3 when AWS refuses the credentials', async () => {
    const cli = await ec2Home('envboot-e2e-refused');
    const healthy = await cli.run(['providers', '--check', 'cloud'], { env: awsEnv });
    assert.equal(healthy.code, 0, healthy.stderr);
    assert.match(healthy.stdout, /credentials\s+ok\s+accepted by EC2/);
    assert.match(healthy.stdout, /region\s+ok\s+us-east-1: 3 zone\(s\) available/);
    assert.match(healthy.stdout, /quota\s+not-checked/);
    assert.match(healthy.stdout, /ssh-route\s+ok\s+through jump@127\.0\.0\.1/);
    assert.match(healthy.stdout, /^Abilities: zones, instance-types, constraint-defaults, firewall, console-output, user-data, ssh-route, plan, preflight, prepare, teardown\.$/m);
    aws.ec2.faults.authFailure = true;
    try {
      const refused = await cli.run(['providers', '--check', 'cloud'], { env: awsEnv });
      assert.equal(refused.code, 3, refused.stderr);
      const run = await cli.run(['bootstrap', 'cloud'], { env: awsEnv });
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /credentials/i);
      assert.doesNotMatch(run.stderr, /test-secret/);
    } finally {
      aws.ec2.faults.authFailure = false;
    }
    assert.equal(aws.s3.bucketExists('envboot-e2e-refused'), false);
  });

  it('refuses an ec2 environment without a bucket as bad input (exit 2), naming the key', async () => {
    const cli = await cliHome('envboot-cli-ec2-');
    await cli.write('environments.yaml', 'environments:\n  cloud:\n    provider: ec2\n    options:\n      region: us-east-1\n');
    const run = await cli.run(['bootstrap', 'cloud'], { env: awsEnv });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /bucket/);
  });
});
