import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { TagKey } from '../../src/index.js';
import { defaultImages, defaultInstanceTypes, fakeAccountId, imageIdFor, type FakeEc2Image } from '../fakes/ec2-endpoint.js';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { planOf, refusedAlike } from './plan-fixtures.js';

function teamImage(arch: 'amd64' | 'arm64', day: string): FakeEc2Image {
  const name = `team-base-${arch}-${day.replace(/-/g, '')}`;
  return { id: imageIdFor(name), name, ownerId: fakeAccountId, architecture: arch === 'amd64' ? 'x86_64' : 'arm64', creationDate: `${day}T09:30:00.000Z` };
}

const newestAmd64 = teamImage('amd64', '2025-06-01');
const newestArm64 = teamImage('arm64', '2025-05-01');

/** As in most regions: the cheapest type of all is a 0.5 GiB arm64 (t4g.nano), which the defaults must not choose. */
const aws: FakeAws = await startFakeAws({
  instanceTypes: [...defaultInstanceTypes, { name: 't4g.nano', vcpus: 2, memoryMiB: 512, architecture: 'arm64' }],
  images: [...defaultImages, teamImage('amd64', '2025-01-01'), newestAmd64, teamImage('arm64', '2025-02-01'), newestArm64],
});
const awsEnv = sdkEnvironment(aws);

async function ec2Home(bucket: string, options: Record<string, unknown> = {}, constraints?: string): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-ec2-defaults-');
  const environment = { provider: 'ec2', options: { ...aws.options(bucket), ...options }, ...(constraints === undefined ? {} : { constraints }) };
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: environment } }));
  return cli;
}

/** What a bad input left in the fakes: nothing, for every environment named `cloud`. */
function madeFor(bucket: string): { bucket: boolean; groups: number; instances: number } {
  return {
    bucket: aws.s3.bucketExists(bucket),
    groups: aws.ec2.securityGroups().filter((g) => g.tags[TagKey.EnvironmentName] === 'cloud').length,
    instances: aws.ec2.instances().filter((i) => i.tags[TagKey.EnvironmentName] === 'cloud' && i.state !== 'terminated').length,
  };
}

describe('ec2 defaults and images by name through the envboot command (fake AWS endpoints, real SDK)', () => {
  it('plans amd64 and a 2 GiB controller unless the constraints say otherwise, and says which defaults it applied', async () => {
    const cli = await ec2Home('envboot-defaults-plan');
    const cases: [string | undefined, string, string[]][] = [
      [undefined, 't3a.small', ['arch=amd64 (default)', 'mem≥2G (controller default)']],
      ['arch=arm64', 't4g.small', ['mem≥2G (controller default)']],
      ['mem=1G', 't3.micro', ['arch=amd64 (default)']],
      ['mem=256M', 't3.nano', ['arch=amd64 (default)']],
      ['instance-type=t4g.nano', 't4g.nano', []],
    ];
    for (const [constraints, type, defaults] of cases) {
      const plan = planOf(await cli.run(['bootstrap', 'cloud', '--dry-run', '--json', ...(constraints === undefined ? [] : ['--constraints', constraints])], { env: awsEnv }));
      assert.equal(plan.machines[0]?.instanceType?.name, type, String(constraints));
      assert.deepEqual(plan.environment.defaults.map((d) => d.text), defaults, String(constraints));
    }
    const added = planOf(await cli.run(['bootstrap', 'cloud', '--dry-run', '--json', '--constraints', 'cores=2'], { env: awsEnv }));
    assert.match(added.machines[0]?.instanceType?.reason ?? '', /^the cheapest type that meets arch=amd64 \(default\) cores=2 mem≥2G \(controller default\)$/);

    const text = await cli.run(['bootstrap', 'cloud', '--dry-run'], { env: awsEnv });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}constraints: +\(none\)\n {2}defaults: +arch=amd64 \(default\) mem≥2G \(controller default\)$/m);
    assert.match(text.stdout, /^ {2}0 \(controller\) +t3a\.small +\$0\.0188 /m);
    assert.match(text.stdout, /t3a\.small: the cheapest type that meets arch=amd64 \(default\) mem≥2G \(controller default\) \(2 cores, 2048 MiB, amd64/);
    assert.deepEqual(madeFor('envboot-defaults-plan'), { bucket: false, groups: 0, instances: 0 });
  });

  it('bootstraps from the newest image matching a name, per architecture, with the defaults; status states them', async (t) => {
    const bucket = 'envboot-defaults-named';
    const cli = await ec2Home(bucket, { image: { name: 'team-base-*', owner: 'self' } });
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    const dry = await cli.run(['bootstrap', 'cloud', '--dry-run'], { env: awsEnv });
    assert.equal(dry.code, 0, dry.stderr);
    const imageLine = `image: +${newestAmd64.id} \\(${newestAmd64.name}, created 2025-06-01\\): the newest image of owner self named like "team-base-\\*" for amd64 \\(configured "image": \\{name: "team-base-\\*", owner: self\\}\\)`;
    assert.match(dry.stdout, new RegExp(`^ {2}${imageLine}$`, 'm'));
    assert.match(dry.stdout, /^ {2}preflight +ec2:DescribeImages +find the newest image of owner self named like "team-base-\*" for amd64$/m);

    const from = aws.ec2.requests.length;
    const boot = await cli.run(['bootstrap', 'cloud', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const controller = (finalResult(boot)['result'] as { controller: { instanceId: string } }).controller;
    assert.deepEqual([aws.ec2.instance(controller.instanceId).imageId, aws.ec2.instance(controller.instanceId).instanceType], [newestAmd64.id, 't3a.small']);
    const add = await cli.run(['add-machine', 'cloud', '-n', '2', '--constraints', 'arch=arm64', '--json'], { env: awsEnv });
    assert.equal(add.code, 0, add.stderr + add.stdout);
    const arm = aws.ec2.instances().filter((i) => i.tags[TagKey.EnvironmentName] === 'cloud' && i.tags[TagKey.MachineId] !== '0');
    assert.deepEqual(arm.map((i) => `${i.instanceType} ${i.imageId}`), [`t4g.nano ${newestArm64.id}`, `t4g.nano ${newestArm64.id}`]);
    // One DescribeImages per run and architecture: bootstrap's amd64, add-machine's arm64 (for two machines).
    assert.deepEqual(aws.ec2.requests.slice(from).filter((r) => r.action === 'DescribeImages').map((r) => r.params['Owner.1']), ['self', 'self']);

    const status = await cli.run(['status', 'cloud'], { env: awsEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Defaults: +arch=amd64 \(default\); the controller also mem≥2G \(controller default\) \(where a machine's constraints leave them unset\)$/m);
    const statusJson = finalResult(await cli.run(['status', 'cloud', '--json'], { env: awsEnv }))['result'] as { defaults: unknown };
    assert.deepEqual(statusJson.defaults, { machines: ['arch=amd64 (default)'], controller: ['arch=amd64 (default)', 'mem≥2G (controller default)'] });
    const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(madeFor(bucket), { bucket: false, groups: 0, instances: 0 });
  });

  it('refuses bad image specs, names nothing matches and architectures the image lacks: exit 2, nothing created', async () => {
    const bucket = 'envboot-defaults-refused';
    const refusals: [Record<string, unknown>, string[], RegExp][] = [
      [{ image: { name: 'team-base-*', owner: 'self', colour: 'red' } }, [], /environments\.cloud\.options\.image\.colour: unknown key \(accepted: id, name, owner, arch\)/],
      [{ image: { name: '', owner: 'self' } }, [], /image\.name: is empty/],
      [{ image: { name: 'team-base-*' } }, [], /image\.owner: is missing/],
      [{ image: { name: 'team-base-*', owner: 'someone' } }, [], /image\.owner: "someone" is not a 12-digit account id or self, amazon, aws-marketplace/],
      [{ image: { name: 'team-base-*', owner: 'self', arch: 'x86_64' } }, [], /image\.arch: "x86_64" is not an architecture envboot knows; did you mean "amd64"\?/],
      [{ image: { name: 'nothing-like-this-*', owner: 'self' } }, [], /image \{name: "nothing-like-this-\*", owner: self\}: no available EBS-backed amd64 image of owner self is named like "nothing-like-this-\*"/],
      [{ image: { name: 'team-base-*', owner: 'self', arch: 'arm64' } }, ['--constraints', 'arch=amd64'], /arch=amd64: the configured image \{name: "team-base-\*", owner: self, arch: arm64\} is arm64; ask for arch=arm64/],
      [{ image: { name: 'team-base-*', owner: 'self', arch: 'arm64' } }, ['--constraints', 'instance-type=t3.micro'], /instance-type=t3\.micro is amd64, but the configured image .* is arm64/],
    ];
    const before = madeFor(bucket);
    assert.equal(before.bucket, false);
    for (const [options, flags, message] of refusals) {
      const cli = await ec2Home(bucket, options);
      const error = await refusedAlike(cli, ['bootstrap', 'cloud', ...flags], awsEnv);
      assert.match(error, message);
      assert.deepEqual(madeFor(bucket), before, error);
    }
  });
});
