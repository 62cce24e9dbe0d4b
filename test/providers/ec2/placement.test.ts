import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMachines, bootstrap, destroy, generateSshKeyPair, isConfigError, loadState, type Constraints } from '../../../src/index.js';
import { defaultInstanceTypes } from '../../fakes/ec2/catalogue.js';
import { fastWait, startFakeAws, type FakeAws } from './fixtures.js';

/** m5.large is offered in us-east-1b only, as AWS offers a type in some zones of a region first. */
const elsewhere = defaultInstanceTypes.map((type) => type.name).filter((name) => name !== 'm5.large');
const aws: FakeAws = await startFakeAws({ offerings: { 'us-east-1a': elsewhere, 'us-east-1c': elsewhere } });

function since(from: number, action: string): { status: number; zone: string | undefined }[] {
  return aws.ec2.requests.slice(from).filter((r) => r.action === action).map((r) => ({ status: r.status, zone: r.params['Placement.AvailabilityZone'] }));
}

describe('ec2 placement against the fake endpoints (real SDK): one planner for bootstrap and add-machine', () => {
  it('starts machines only in the zone that offers their instance type, the controller and the added ones alike', async () => {
    const environ = aws.environ({ config: { bucket: 'envboot-placement-zone-b' } });
    const clientKey = generateSshKeyPair({ comment: 'placement' });
    const constraints: Constraints = { instanceType: 'm5.large' };
    const from = aws.ec2.requests.length;
    const booted = await bootstrap({ environ, clientKey, constraints, timeouts: fastWait });
    assert.equal(booted.instanceType, 'm5.large');
    assert.equal(aws.ec2.instance(booted.controller.instance.id).zone, 'us-east-1b');
    assert.deepEqual(since(from, 'RunInstances').map((r) => r.status), [200], 'one RunInstances: no zone without the type was tried');
    const addedFrom = aws.ec2.requests.length;
    const added = await addMachines({ environ, count: 2, clientKey, constraints, timeouts: fastWait });
    assert.deepEqual(added.failures, []);
    assert.deepEqual(added.machines.map((m) => aws.ec2.instance(m.instance.id).zone), ['us-east-1b', 'us-east-1b']);
    assert.deepEqual(since(addedFrom, 'RunInstances').map((r) => r.status), [200, 200], 'add-machine tried no other zone either');
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it("refuses constraints the region's catalogue cannot meet before the claim, with nothing made in EC2 or S3", async () => {
    const environ = aws.environ({ config: { bucket: 'envboot-placement-refused' } });
    const ec2From = aws.ec2.requests.length;
    const s3From = aws.s3.requests.length;
    // ec2's defaults for the controller (arch=amd64, mem≥2G) are named in the heading where the constraints leave them in force.
    const both = ' with the defaults arch=amd64 \\(default\\) mem≥2G \\(controller default\\)';
    const refusals: [Constraints, string, RegExp][] = [
      [{ cores: 512 }, both, /cores=512: the most cores of an instance type here is 4 \(t3\.xlarge\); ask for cores=4 or fewer, or name a type with instance-type=/],
      [{ memoryMiB: 1024 ** 2 }, ' with the defaults arch=amd64 \\(default\\)', /mem=1T: the most memory of an instance type here is 16 GiB \(\S+\); ask for mem=16G or less/],
      [{ arch: 'ppc64el' }, ' with the defaults mem≥2G \\(controller default\\)', /arch=ppc64el: no instance type here is ppc64el; they are amd64 or arm64: remove arch= or ask for arch=amd64/],
      [{ instanceType: 'x9.nope' }, '', /instance type "x9\.nope" is not offered here; choose one of: /],
      [{ zones: ['us-east-1z'] }, both, /unknown zone "us-east-1z"; the zones here are: us-east-1a, us-east-1b, us-east-1c; fix zones= in the constraints/],
      [{ instanceType: 'm5.large', zones: ['us-east-1a'] }, '', /us-east-1a does not offer instance type m5\.large; instance type m5\.large is offered in: us-east-1b/],
    ];
    for (const [constraints, defaults, message] of refusals) {
      await assert.rejects(bootstrap({ environ, constraints, timeouts: fastWait }), (error: unknown) => {
        assert.ok(isConfigError(error), String(error));
        assert.match((error as Error).message, new RegExp(`^the ec2 provider cannot meet the constraints "[^"]+"${defaults} \\(nothing was created\\):\n`));
        assert.match((error as Error).message, message);
        return true;
      });
    }
    const made = aws.ec2.requests.slice(ec2From).map((r) => r.action).filter((action) => !action.startsWith('Describe'));
    assert.deepEqual(made, [], 'only Describe calls');
    assert.deepEqual(aws.s3.requests.slice(s3From).map((r) => r.operation), [], 'provider-state was never touched');
    assert.equal(aws.s3.bucketExists('envboot-placement-refused'), false);
  });

  it('refuses them for add-machine before any machine id is reserved or instance started', async () => {
    const environ = aws.environ({ config: { bucket: 'envboot-placement-add' } });
    const clientKey = generateSshKeyPair({ comment: 'placement' });
    await bootstrap({ environ, clientKey, timeouts: fastWait });
    const before = await loadState({ storage: environ.storage() });
    const ec2From = aws.ec2.requests.length;
    for (const constraints of [{ cores: 512 }, { instanceType: 'm5.large', zones: ['us-east-1c'] }, { zones: ['us-east-1z'] }] satisfies Constraints[]) {
      await assert.rejects(addMachines({ environ, count: 2, clientKey, constraints, timeouts: fastWait }), { code: 'CONFIG_INVALID' });
    }
    assert.equal((await loadState({ storage: environ.storage() })).version, before.version, 'provider-state unchanged: no id reserved');
    assert.deepEqual(since(ec2From, 'RunInstances'), []);
    assert.deepEqual((await destroy({ environ })).failures, []);
  });
});
