import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, finalResult, type CliHome, type CliRun } from '../src/cli/cli-harness.js';

const aws: FakeAws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);

/** A client whose environments.yaml defines `cloud` on the fake AWS, state in `bucket`. */
async function definingClient(bucket: string, prefix = 'envboot-attach-a-'): Promise<CliHome> {
  const cli = await cliHome(prefix);
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options(bucket) } } }));
  return cli;
}

/** The flags that find `cloud` in `bucket` without any environments.yaml, as an operator types them. */
function locationFlags(bucket: string): string[] {
  const { region, 'ssh-cidr': sshCidr, 'jump-host': jumpHost } = aws.options(bucket) as { region: string; 'ssh-cidr': string; 'jump-host': unknown };
  return ['--provider', 'ec2', '--region', region, '--bucket', bucket, '--option', `ssh-cidr=${sshCidr}`, '--option', `jump-host=${JSON.stringify(jumpHost)}`];
}

function printedKey(text: string): string {
  const match = /envboot authorize cloud '([^']+)'/.exec(text);
  assert.ok(match?.[1] !== undefined, `no authorize command in: ${text}`);
  return match[1];
}

function assertRefused(run: CliRun, publicKey: string): void {
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /refused this client's key: this client attached the environment and is not authorized/);
  assert.equal(printedKey(run.stderr), publicKey);
}

describe('envboot attach on the ec2 provider (fake AWS endpoints, real SDK)', () => {
  it('attaches from the bucket, is refused until authorized, execs once authorized, and is refused again once revoked', async (t) => {
    const bucket = 'envboot-attach-state';
    const a = await definingClient(bucket);
    t.after(() => a.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    const b = await cliHome('envboot-attach-b-');
    const boot = await a.run(['bootstrap', 'cloud', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const uuid = (finalResult(boot)['result'] as { environment: { uuid: string } }).environment.uuid;

    const attached = await b.run(['attach', 'cloud', ...locationFlags(bucket), '--label', 'ci-runner'], { env: awsEnv });
    assert.equal(attached.code, 0, attached.stderr + attached.stdout);
    assert.match(attached.stdout, new RegExp(`^Attached: cloud \\(provider ec2, UUID ${uuid}\\)$`, 'm'));
    assert.match(attached.stdout, new RegExp(`^provider-state: s3://${bucket}/cloud/$`, 'm'));
    const publicKey = (await readFile(path.join(b.environmentDir('cloud'), 'client-key.pub'), 'utf8')).trim();
    assert.equal(printedKey(attached.stdout), publicKey);
    assert.match(await readFile(path.join(b.environmentDir('cloud'), 'known_hosts'), 'utf8'), /^envboot-cloud-machine-0 ssh-ed25519 AAAA/m);
    const status = await b.run(['status', 'cloud'], { env: awsEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`UUID:\\s+${uuid}`));

    assertRefused(await b.run(['exec', 'cloud', '0', '--', 'true'], { env: awsEnv }), publicKey);
    const authorized = await a.run(['authorize', 'cloud', printedKey(attached.stdout)], { env: awsEnv });
    assert.equal(authorized.code, 0, authorized.stderr + authorized.stdout);
    const fromB = await b.run(['exec', 'cloud', '0', '--', 'echo from-b'], { env: awsEnv });
    assert.deepEqual([fromB.code, fromB.stdout], [0, 'from-b\n'], fromB.stderr);
    const fromA = await a.run(['exec', 'cloud', '0', '--', 'echo from-a'], { env: awsEnv });
    assert.deepEqual([fromA.code, fromA.stdout], [0, 'from-a\n'], fromA.stderr);

    const revoked = await a.run(['revoke', 'cloud', 'ci-runner'], { env: awsEnv });
    assert.equal(revoked.code, 0, revoked.stderr + revoked.stdout);
    assertRefused(await b.run(['exec', 'cloud', '0', '--', 'true'], { env: awsEnv }), publicKey);
    assert.equal((await a.run(['exec', 'cloud', '0', '--', 'true'], { env: awsEnv })).code, 0);

    // Once attached, an environments.yaml entry of the name elsewhere is refused, naming both places; one that agrees is used.
    await b.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options('another-bucket') } } }));
    const elsewhere = await b.run(['status', 'cloud'], { env: awsEnv });
    assert.equal(elsewhere.code, 2, elsewhere.stderr);
    assert.match(elsewhere.stderr, new RegExp(`attached from provider-state at s3://${bucket}/cloud/, but .*environments\\.yaml defines it at s3://another-bucket/cloud/`));
    assert.equal(aws.s3.bucketExists('another-bucket'), false);
    await b.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options(bucket) } } }));
    assert.equal((await b.run(['status', 'cloud'], { env: awsEnv })).code, 0);
  });

  it('attaches through a definition in a shared environments file given with --config', async (t) => {
    const bucket = 'envboot-attach-defined';
    const a = await definingClient(bucket);
    t.after(() => a.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    assert.equal((await a.run(['bootstrap', 'cloud'], { env: awsEnv })).code, 0);
    const b = await cliHome('envboot-attach-b-');
    const team = await b.write('team.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options(bucket) } } }));
    const attached = await b.run(['--config', team, 'attach', 'cloud', '--json'], { env: awsEnv });
    assert.equal(attached.code, 0, attached.stderr + attached.stdout);
    assert.equal((finalResult(attached)['result'] as { providerState: string }).providerState, `s3://${bucket}/cloud/`);
    // Later commands find it without the file: the record keeps the options it was attached with.
    const status = await b.run(['status', 'cloud'], { env: awsEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`provider-state: s3://${bucket}/cloud/`));
  });

  it('refuses a bucket without the environment, --data-dir, and options the provider rejects: exit 2, nothing written, nothing created', async () => {
    const b = await cliHome('envboot-attach-b-');
    const refusals: [string[], RegExp][] = [
      [['attach', 'cloud', ...locationFlags('no-such-bucket')], /no environment "cloud" found at s3:\/\/no-such-bucket\/cloud\/ \(no provider-state there\); check the bucket, prefix and region/],
      [['attach', 'cloud', ...locationFlags('no-such-bucket'), '--prefix', 'team/'], /found at s3:\/\/no-such-bucket\/team\/cloud\//],
      [['attach', 'cloud', ...locationFlags('no-such-bucket'), '--data-dir', b.home], /--data-dir is for providers that keep provider-state on this host .* drop --data-dir/],
      [['attach', 'cloud', '--provider', 'ec2', '--region', 'us-east-1'], /cannot find environment "cloud" with these options[\s\S]*bucket: required/],
      [['attach', 'cloud', '--provider', 'ec2', '--bucket', 'x', '--option', 'bucket=y'], /the provider option "bucket" is given twice/],
      [['attach', 'cloud', '--provider', 'ec2', '--bucket', 'x', '--option', 'jump-host={host'], /the value of "jump-host" is not valid YAML/],
    ];
    for (const [args, message] of refusals) {
      const run = await b.run(args, { env: awsEnv });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.deepEqual(b.environmentDirs(), [], `${args.join(' ')} wrote nothing`);
    }
    assert.equal(aws.s3.bucketExists('no-such-bucket'), false, 'looking for provider-state creates no bucket');
  });
});
