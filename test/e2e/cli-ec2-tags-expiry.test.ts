import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { s3StateStorage } from '../../providers/ec2/index.js';
import { loadState, saveState, TagKey } from '../../src/index.js';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { fakeS3Client } from '../storage/fixtures/open-s3-storage.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';

const aws: FakeAws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);
const bucket = 'envboot-e2e-tags';
const stateStorage = s3StateStorage(fakeS3Client(aws.s3.endpoint));

/** A home whose environments.yaml defines `names` on ec2 (with `extra` options each) and `here` on the local provider. */
async function home(environments: Record<string, Record<string, unknown>>): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-ec2-tags-');
  const defined = Object.fromEntries(Object.entries(environments).map(([name, extra]) => [name, { provider: 'ec2', options: { ...aws.options(bucket), ...extra } }]));
  await cli.write('environments.yaml', yaml.dump({ environments: { ...defined, here: { provider: 'local' } } }));
  return cli;
}

function resourcesOf(name: string): { instances: string[]; groups: string[]; volumes: string[] } {
  const mine = (tags: Readonly<Record<string, string>>): boolean => tags[TagKey.EnvironmentName] === name;
  return {
    instances: aws.ec2.instances().filter((i) => mine(i.tags) && i.state !== 'terminated').map((i) => i.id),
    groups: aws.ec2.securityGroups().filter((g) => mine(g.tags)).map((g) => g.id),
    volumes: aws.ec2.volumes().filter((v) => mine(v.tags)).map((v) => v.id),
  };
}

/** As if `ago` had passed since the environment expired: its tags and provider-state say so (the CLI has no clock to move). */
async function backdate(name: string, agoMs: number): Promise<string> {
  const past = new Date(Date.now() - agoMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const all = [...aws.ec2.instances(), ...aws.ec2.securityGroups(), ...aws.ec2.volumes()];
  for (const resource of all.filter((r) => r.tags[TagKey.EnvironmentName] === name)) {
    (resource.tags as Record<string, string>)['envboot-expires-at'] = past;
  }
  const storage = stateStorage({ bucket, prefix: `${name}/`, createBucket: false });
  const loaded = await loadState({ storage });
  await saveState({ storage, state: { ...loaded.state, fields: { ...loaded.state.fields, 'expires-at': past } }, expect: { version: loaded.version } });
  return past;
}

describe('the envboot command: resource-tags, --tag and --ttl on ec2 (fake AWS endpoints, real SDK)', () => {
  it('bootstraps under a policy that requires tags, shows the expiry, and tags added machines with the option, their own --tag and the environment\'s expiry', async (t) => {
    const cli = await home({ tagged: { 'resource-tags': { 'cost-centre': '0042' } } });
    aws.ec2.faults.requireTags = ['cost-centre'];
    t.after(async () => {
      aws.ec2.faults.requireTags = [];
      await cli.run(['destroy', 'tagged', '--yes'], { env: awsEnv });
    });
    const boot = await cli.run(['bootstrap', 'tagged', '--tag', 'job=boot', '--ttl', '3d', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const controller = (finalResult(boot)['result'] as { controller: { instanceId: string } }).controller.instanceId;
    const tags = aws.ec2.instance(controller).tags;
    assert.equal(tags['cost-centre'], '0042');
    assert.equal(tags['job'], 'boot');
    const expiresAt = tags['envboot-expires-at'] ?? '';
    const left = new Date(expiresAt).getTime() - Date.now();
    assert.ok(left > 71 * 3_600_000 && left <= 72 * 3_600_000, expiresAt);
    assert.equal(aws.ec2.securityGroups().find((g) => g.tags[TagKey.EnvironmentName] === 'tagged')?.tags['job'], 'boot');

    const status = await cli.run(['status', 'tagged'], { env: awsEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^Expires: +${expiresAt} \\(in (2d23h|3d)\\)$`, 'm'));
    const json = finalResult(await cli.run(['status', 'tagged', '--json'], { env: awsEnv }))['result'] as { expiry: unknown };
    assert.deepEqual(json.expiry, { at: expiresAt, expired: false });

    const added = await cli.run(['add-machine', 'tagged', '--tag', 'job=added', '--json'], { env: awsEnv });
    assert.equal(added.code, 0, added.stderr + added.stdout);
    const machine = aws.ec2.instances().find((i) => i.tags[TagKey.EnvironmentName] === 'tagged' && i.tags[TagKey.MachineId] === '1');
    assert.deepEqual(
      { cost: machine?.tags['cost-centre'], job: machine?.tags['job'], expires: machine?.tags['envboot-expires-at'] },
      { cost: '0042', job: 'added', expires: expiresAt },
    );
  });

  it('cleanup --expired removes an expired environment across the region, and leaves an unexpired one and one without expiry alone', async (t) => {
    const cli = await home({ gone: {}, stays: { ttl: '2h' }, forever: {} });
    t.after(async () => {
      for (const env of ['stays', 'forever', 'gone']) await cli.run(['destroy', env, '--yes'], { env: awsEnv });
    });
    for (const [env, flags] of [['gone', ['--ttl', '10m']], ['stays', []], ['forever', []]] as const) {
      const boot = await cli.run(['bootstrap', env, ...flags], { env: awsEnv });
      assert.equal(boot.code, 0, boot.stderr);
    }
    const gone = resourcesOf('gone');
    const past = await backdate('gone', 3 * 3_600_000);
    const status = await cli.run(['status', 'gone'], { env: awsEnv });
    assert.match(status.stdout, new RegExp(`^Expires: +${past} \\(expired 3h ago; "envboot cleanup --provider ec2 --expired" or "envboot destroy gone" removes it\\)$`, 'm'));

    const region = ['--provider', 'ec2', '--region', aws.ec2.region];
    const plain = await cli.run(['cleanup', ...region, '--dry-run'], { env: awsEnv });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /No leftovers found\./, 'without --expired, an expired environment that is alive is no leftover');
    const dry = await cli.run(['cleanup', ...region, '--expired', '--dry-run'], { env: awsEnv });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^4 leftover\(s\) found; --dry-run removed nothing:$/m);
    for (const id of [...gone.instances, ...gone.groups, ...gone.volumes, `s3://${bucket}/gone/`]) assert.match(dry.stdout, new RegExp(`${id} of gone .*: expired at `));
    assert.deepEqual(resourcesOf('gone'), gone, 'a dry run removes nothing');

    const cleaned = await cli.run(['cleanup', ...region, '--expired', '--yes'], { env: awsEnv });
    assert.equal(cleaned.code, 0, cleaned.stderr + cleaned.stdout);
    assert.match(cleaned.stdout, /Removed 4 leftover resource\(s\)/);
    assert.deepEqual(resourcesOf('gone'), { instances: [], groups: [], volumes: [] });
    await assert.rejects(loadState({ storage: stateStorage({ bucket, prefix: 'gone/', createBucket: false }) }), /not bootstrapped/);
    for (const env of ['stays', 'forever']) {
      assert.equal(resourcesOf(env).instances.length, 1, env);
      await loadState({ storage: stateStorage({ bucket, prefix: `${env}/`, createBucket: false }) });
    }
    const stays = await cli.run(['status', 'stays'], { env: awsEnv });
    assert.match(stays.stdout, /^Expires: +\S+ \(in 1h5\dm\)$/m);
    const forever = await cli.run(['status', 'forever'], { env: awsEnv });
    assert.doesNotMatch(forever.stdout, /Expires:/);
  });

  it('refuses bad tags and ttls, in flags and options, as bad input (exit 2) with nothing created', async () => {
    const cli = await home({ plain: {}, 'bad-ttl': { ttl: '5m' }, 'bad-tags': { 'resource-tags': { Name: 'mine', 'aws:x': 'y' } } });
    const cases: [string[], RegExp][] = [
      [['bootstrap', 'plain', '--ttl', '0'], /--ttl: a ttl of "0" would expire at once/],
      [['bootstrap', 'plain', '--ttl', '-1h'], /--ttl: "-1h" is negative/],
      [['bootstrap', 'plain', '--ttl', 'soon'], /--ttl: "soon" is not a duration/],
      [['bootstrap', 'plain', '--ttl', '400d'], /--ttl: "400d" is longer than the longest ttl, 365d/],
      [['bootstrap', 'plain', '--ttl', '1s'], /--ttl: "1s" is shorter than the shortest ttl, 10m/],
      [['bootstrap', 'plain', '--tag', 'envboot-owner=me'], /--tag: tag "envboot-owner" starts with "envboot-", which envboot reserves/],
      [['bootstrap', 'plain', '--tag', 'aws:owner=me'], /--tag: tag "aws:owner" starts with "aws:", which AWS reserves/],
      [['bootstrap', 'plain', '--tag', 'owner'], /--tag: "owner" is not KEY=VALUE/],
      [['bootstrap', 'plain', '--tag', 'team=a;b'], /--tag: tag "team" has ";" in its value/],
      [['bootstrap', 'bad-ttl'], /ttl: "5m" is shorter than the shortest ttl, 10m/],
      [['bootstrap', 'bad-tags'], /tag "Name" is the tag envboot names its resources with[\s\S]*tag "aws:x" starts with "aws:"/],
      [['bootstrap', 'here', '--ttl', '2h'], /flags that are for the ec2 provider \(--ttl\) do not apply to environment "here": it is on the local provider/],
      [['bootstrap', 'here', '--tag', 'a=b'], /flags that are for the ec2 provider \(--tag\) do not apply to environment "here"/],
      [['add-machine', 'plain', '--ttl', '2h'], /--ttl: sets an environment's expiry, which bootstrap sets once/],
    ];
    const ec2From = aws.ec2.requests.length;
    const s3From = aws.s3.requests.length;
    for (const [args, message] of cases) {
      const run = await cli.run(args, { env: awsEnv });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
    }
    const made = aws.ec2.requests.slice(ec2From).filter((r) => ['CreateSecurityGroup', 'RunInstances'].includes(r.action));
    assert.deepEqual(made, []);
    assert.deepEqual(aws.s3.requests.slice(s3From).filter((r) => r.operation !== 'GetObject' && r.operation !== 'ListObjectsV2'), [], 'nothing written to S3');
  });
});
