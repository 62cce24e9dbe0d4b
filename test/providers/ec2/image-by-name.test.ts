import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Ec2Environ } from '../../../providers/ec2/index.js';
import { planMachines, type Constraints } from '../../../src/index.js';
import { defaultImages, fakeAccountId, imageIdFor, type FakeEc2Image } from '../../fakes/ec2-endpoint.js';
import { startFakeAws, type FakeAws } from './fixtures.js';

const amazonAccount = '137112412989';

function image(name: string, ownerId: string, architecture: 'x86_64' | 'arm64', day: string, extra: Partial<FakeEc2Image> = {}): FakeEc2Image {
  return { id: imageIdFor(`${ownerId}/${name}`), name, ownerId, architecture, creationDate: `${day}T10:00:00.000Z`, ...extra };
}

/** This account's images: two amd64 builds and one arm64, and newer ones that must never be chosen (pending, instance-store). */
const teamImages = {
  oldAmd64: image('team-base-24.04-amd64-20250101', fakeAccountId, 'x86_64', '2025-01-01'),
  newAmd64: image('team-base-24.04-amd64-20250301', fakeAccountId, 'x86_64', '2025-03-01'),
  arm64: image('team-base-24.04-arm64-20250201', fakeAccountId, 'arm64', '2025-02-01'),
  pending: image('team-base-24.04-amd64-20250401', fakeAccountId, 'x86_64', '2025-04-01', { state: 'pending' }),
  instanceStore: image('team-base-24.04-amd64-20250501', fakeAccountId, 'x86_64', '2025-05-01', { rootDeviceType: 'instance-store' }),
};
const amazonLinux = image('al2023-ami-2023.6.20250301.0-kernel-6.1-x86_64', amazonAccount, 'x86_64', '2025-03-01', { ownerAlias: 'amazon' });
/** Another account's image with a matching name: `owner: self` must not find it. */
const lookalike = image('team-base-24.04-amd64-20251201', '210987654321', 'x86_64', '2025-12-01');

const aws: FakeAws = await startFakeAws({ images: [...defaultImages, ...Object.values(teamImages), amazonLinux, lookalike] });

/** The DescribeImages requests since `from`, as the filters and owners they asked for. */
function imageLookups(from: number): string[] {
  return aws.ec2.requests.slice(from).filter((r) => r.action === 'DescribeImages').map((r) => {
    const arch = Object.entries(r.params).find(([key, value]) => key.endsWith('.Name') && value === 'architecture');
    return `${r.params['Owner.1'] ?? r.params['ImageId.1'] ?? ''} ${arch === undefined ? '' : (r.params[arch[0].replace('.Name', '.Value.1')] ?? '')}`.trim();
  });
}

/** Plans a machine as bootstrap or add-machine does, then starts it as they do; returns the instance's image and type. */
async function start(environ: Ec2Environ, params: { machineId: string; constraints?: Constraints; controller?: boolean }): Promise<{ imageId: string; instanceType: string }> {
  const plan = await planMachines({ environ, constraints: params.constraints ?? {}, zoneOrder: 'spread', controller: params.controller });
  const machine = plan.machine();
  const started = await environ.startInstance({
    machineId: params.machineId,
    constraints: machine.constraints,
    instanceType: machine.instanceType,
    zone: machine.zones.pick()?.zone,
    userData: new Uint8Array(Buffer.from('#cloud-config\n')),
    tags: {},
  });
  const instance = aws.ec2.instance(started.instance.id);
  return { imageId: instance.imageId, instanceType: instance.instanceType };
}

function environWith(image: { name: string; owner: string; arch?: string } | string): Ec2Environ {
  const environ = aws.environ({ config: typeof image === 'string' ? { image } : { imageName: image } });
  return environ;
}

describe('ec2 images by name (fake EC2 endpoint, real SDK)', () => {
  it('starts every machine from the newest available match of its architecture, with one DescribeImages per architecture', async (t) => {
    const environ = environWith({ name: 'team-base-24.04-*', owner: 'self' });
    t.after(() => environ.teardown({}));
    const from = aws.ec2.requests.length;
    const first = await start(environ, { machineId: '0', controller: true });
    assert.deepEqual(first, { imageId: teamImages.newAmd64.id, instanceType: 't3a.small' }, 'amd64 by default: the newest available EBS image, not the pending or instance-store one');
    const second = await start(environ, { machineId: '1' });
    assert.deepEqual(second, { imageId: teamImages.newAmd64.id, instanceType: 't3.nano' });
    const third = await start(environ, { machineId: '2', constraints: { arch: 'arm64' } });
    assert.deepEqual(third, { imageId: teamImages.arm64.id, instanceType: 't4g.micro' });
    await start(environ, { machineId: '3', constraints: { arch: 'arm64' } });
    assert.deepEqual(imageLookups(from), ['self x86_64', 'self arm64'], 'memoised per Environ: once per architecture across four starts');
    await environ.stopInstances({ ids: aws.ec2.instances().filter((i) => i.state !== 'terminated').map((i) => i.id), waitUntilGone: true });
  });

  it("finds Amazon's images by the owner alias, and never another account's lookalike", async () => {
    const amazon = environWith({ name: 'al2023-ami-2023.*-x86_64', owner: 'amazon' });
    const found = await amazon.constraintDefaults({ controller: false, constraints: {} });
    assert.deepEqual(found.problems, []);
    const plan = await amazon.planStart({ machineId: '1', controller: false, bootstrap: false, constraints: { arch: 'amd64' }, instanceType: 't3.nano', zones: [] });
    assert.equal(plan.image?.id, amazonLinux.id);
    assert.match(plan.image.description ?? '', /^al2023-ami-2023\.6\.20250301\.0-kernel-6\.1-x86_64, created 2025-03-01$/);
    assert.match(plan.image.source, /^the newest image of owner amazon named like "al2023-ami-2023\.\*-x86_64" for amd64 \(configured "image": \{name: "al2023-ami-2023\.\*-x86_64", owner: amazon\}\)$/);
    const self = environWith({ name: 'team-base-24.04-amd64-202512*', owner: 'self' });
    await assert.rejects(self.constraintDefaults({ controller: false, constraints: {} }), { code: 'ZONE_INDEPENDENT', message: /no available EBS-backed amd64 image of owner self/ });
  });

  it('refuses a pattern nothing matches before anything is created, naming the pattern, owner and arch and what to do', async () => {
    const environ = environWith({ name: 'team-base-22.04-*', owner: 'self' });
    const instances = aws.ec2.instances().length;
    await assert.rejects(planMachines({ environ, constraints: {}, zoneOrder: 'fail-over', controller: true }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ZONE_INDEPENDENT');
      assert.match(error.message, /^image \{name: "team-base-22\.04-\*", owner: self\}: no available EBS-backed amd64 image of owner self is named like "team-base-22\.04-\*" in this region; check the pattern and owner/);
      assert.match(error.message, /aws ec2 describe-images --owners self --filters "Name=name,Values=team-base-22\.04-\*" "Name=architecture,Values=x86_64"/);
      assert.match(error.message, /if the images are arm64, ask for arch=arm64 \(constraints\) or set arch: arm64 in "image", or set "image" to an AMI id$/);
      return true;
    });
    assert.equal(aws.ec2.instances().length, instances);
  });

  it("makes the spec's arch the default and refuses another asked by arch= or by the instance type, naming both", async () => {
    const environ = environWith({ name: 'team-base-24.04-*', owner: 'self', arch: 'arm64' });
    const plan = await planMachines({ environ, constraints: {}, zoneOrder: 'fail-over', controller: true });
    assert.equal(plan.instanceType, 't4g.small');
    assert.deepEqual(plan.defaults.map((d) => `${d.field}=${String(d.value)} (${d.why})`), ["arch=arm64 (the image's architecture)", 'memoryMiB=2048 (controller default)']);
    await assert.rejects(planMachines({ environ, constraints: { arch: 'amd64' }, zoneOrder: 'fail-over' }), {
      code: 'CONFIG_INVALID',
      message: /- arch=amd64: the configured image \{name: "team-base-24\.04-\*", owner: self, arch: arm64\} is arm64; ask for arch=arm64 \(or leave arch= out\), or configure an amd64 image/,
    });
    await assert.rejects(planMachines({ environ, constraints: { instanceType: 't3.micro' }, zoneOrder: 'fail-over' }), {
      code: 'CONFIG_INVALID',
      message: /- instance-type=t3\.micro is amd64, but the configured image \{name: "team-base-24\.04-\*", owner: self, arch: arm64\} is arm64: name an arm64 instance type \(or none\), or configure an amd64 image/,
    });
  });

  it("follows a configured AMI's architecture, and refuses another", async () => {
    const environ = environWith(teamImages.arm64.id);
    const plan = await planMachines({ environ, constraints: {}, zoneOrder: 'spread' });
    assert.equal(plan.instanceType, 't4g.micro');
    await assert.rejects(planMachines({ environ, constraints: { arch: 'amd64' }, zoneOrder: 'spread' }), {
      message: new RegExp(`- arch=amd64: the configured image ${teamImages.arm64.id} \\(team-base-24\\.04-arm64-20250201\\) is arm64; ask for arch=arm64`),
    });
  });
});
