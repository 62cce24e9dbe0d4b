import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, destroy, ErrorCode, exitCodeFor, ExitCode, findInChain, generateSshKeyPair, TagKey } from '../../../src/index.js';
import { fastWait } from './fixtures.js';
import { startFakeAwsWithIam } from './launch-fixtures.js';

const { aws, iam, environ: environWith } = await startFakeAwsWithIam();
const clientKey = generateSshKeyPair({ comment: 'test' });
const ci = iam.addInstanceProfile({ name: 'envboot-ci', roles: ['envboot-ci-role'] });
const pathed = iam.addInstanceProfile({ name: 'runner', path: '/teams/ci/', roles: ['runner-role'] });

function resetFaults(): void {
  Object.assign(aws.ec2.faults, { capacity: [], spotCapacity: [], spotPrices: {}, spotQuota: false });
  iam.deny.clear();
}

function ownedBy(uuid: string): { instances: number; groups: number } {
  return {
    instances: aws.ec2.instances().filter((i) => i.tags[TagKey.EnvironmentUuid] === uuid && i.state !== 'terminated').length,
    groups: aws.ec2.securityGroups().filter((g) => g.tags[TagKey.EnvironmentUuid] === uuid).length,
  };
}

function runsSince(from: number): { zone: string | undefined; status: number; code: string | undefined; params: Readonly<Record<string, string>> }[] {
  return aws.ec2.requests
    .slice(from)
    .filter((r) => r.action === 'RunInstances')
    .map((r) => ({ zone: r.params['Placement.AvailabilityZone'], status: r.status, code: r.errorCode, params: r.params }));
}

describe('ec2 provider: instance profiles (fake IAM and EC2, real SDK)', () => {
  it('checks the profile in preflight and starts the controller with it, by name', async () => {
    resetFaults();
    const environ = environWith({ instanceProfile: { name: ci.name } });
    const preflight = await environ.preflight({});
    assert.deepEqual(preflight.checks?.find((check) => check.name === 'instance-profile'), { name: 'instance-profile', status: 'ok', detail: 'envboot-ci exists (role envboot-ci-role)' });
    assert.deepEqual(iam.requests.at(-1), { action: 'GetInstanceProfile', params: { InstanceProfileName: 'envboot-ci' }, status: 200 });
    const from = aws.ec2.requests.length;
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait });
    const [run] = runsSince(from);
    assert.equal(run?.params['IamInstanceProfile.Name'], 'envboot-ci');
    assert.equal(run.params['IamInstanceProfile.Arn'], undefined);
    assert.deepEqual(aws.ec2.instance(result.controller.instance.id).launch?.instanceProfile?.arn, ci.arn, 'the instance carries it');
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('passes an ARN as the ARN, path included', async () => {
    resetFaults();
    const environ = environWith({ instanceProfile: { name: pathed.name, arn: pathed.arn } });
    assert.equal((await environ.preflight({})).checks?.find((check) => check.name === 'instance-profile')?.status, 'ok');
    const from = aws.ec2.requests.length;
    await bootstrap({ environ, clientKey, timeouts: fastWait });
    assert.equal(runsSince(from)[0]?.params['IamInstanceProfile.Arn'], 'arn:aws:iam::123456789012:instance-profile/teams/ci/runner');
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('refuses a profile that does not exist before the claim: exit 2, nothing created', async () => {
    resetFaults();
    const environ = environWith({ instanceProfile: { name: 'no-such-profile' } });
    const s3From = aws.s3.requests.length;
    const from = aws.ec2.requests.length;
    await assert.rejects(bootstrap({ environ, clientKey, timeouts: fastWait }), (error: Error) => {
      assert.equal(exitCodeFor(error), ExitCode.BadInput);
      assert.match(error.message, /instance-profile: no-such-profile does not exist in this account \(IAM answered NoSuchEntityException\); create it .*aws iam list-instance-profiles/);
      return true;
    });
    assert.equal(iam.requests.at(-1)?.status, 404);
    assert.equal(aws.s3.requests.length, s3From, 'provider-state was never claimed');
    assert.deepEqual(runsSince(from), []);
    assert.deepEqual(ownedBy(environ.environment.uuid), { instances: 0, groups: 0 });
  });

  it("refuses an ARN of another account's profile of the same name", async () => {
    resetFaults();
    const environ = environWith({ instanceProfile: { name: ci.name, arn: 'arn:aws:iam::210987654321:instance-profile/envboot-ci' } });
    await assert.rejects(environ.preflight({}), (error: Error) => {
      assert.equal(findInChain(error, ErrorCode.ConfigInvalid) !== undefined, true);
      assert.match(error.message, /is not this account's profile envboot-ci, which is arn:aws:iam::123456789012:instance-profile\/envboot-ci/);
      return true;
    });
  });

  it('warns and goes on when the caller may not read IAM; RunInstances then refuses a bad profile as config, in one zone', async () => {
    resetFaults();
    iam.deny.add('GetInstanceProfile');
    const good = environWith({ instanceProfile: { name: ci.name } });
    const preflight = await good.preflight({});
    assert.match(preflight.warnings.join('\n'), /could not check instance-profile envboot-ci \(the credentials in use may not call iam:GetInstanceProfile\); going on/);
    assert.equal(preflight.checks?.find((check) => check.name === 'instance-profile')?.status, 'not-checked');
    await bootstrap({ environ: good, clientKey, timeouts: fastWait });
    assert.deepEqual((await destroy({ environ: good })).failures, []);

    const bad = environWith({ instanceProfile: { name: 'typo-profile' } });
    const from = aws.ec2.requests.length;
    await assert.rejects(bootstrap({ environ: bad, clientKey, timeouts: fastWait }), (error: Error) => {
      assert.equal(exitCodeFor(error), ExitCode.BadInput);
      assert.match(error.message, /Invalid IAM Instance Profile name \(InvalidParameterValue\); check `instance-profile` in the environment config/);
      return true;
    });
    // Asked again while IAM might still be spreading a new profile (fastTiming's short wait), always in the first zone.
    const runs = runsSince(from);
    assert.ok(runs.length >= 2 && runs.every((run) => run.status === 400 && run.code === 'InvalidParameterValue'), JSON.stringify(runs));
    assert.equal(new Set(aws.ec2.requests.slice(from).filter((r) => r.action === 'RunInstances').map((r) => r.params['Placement.AvailabilityZone'])).size, 1, 'no other zone is tried');
    assert.deepEqual(ownedBy(bad.environment.uuid), { instances: 0, groups: 0 }, 'the failed bootstrap is undone');
  });
});

describe('ec2 provider: spot', () => {
  it('asks for a one-time spot instance that terminates on interruption, and reports it as spot', async () => {
    resetFaults();
    const environ = environWith({ spot: true });
    const from = aws.ec2.requests.length;
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait });
    const params = runsSince(from)[0]?.params ?? {};
    assert.deepEqual(
      Object.entries(params).filter(([key]) => key.startsWith('InstanceMarketOptions.')),
      [
        ['InstanceMarketOptions.MarketType', 'spot'],
        ['InstanceMarketOptions.SpotOptions.SpotInstanceType', 'one-time'],
        ['InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior', 'terminate'],
      ],
    );
    const tagged = Object.entries(params).filter(([key, value]) => /^TagSpecification\.\d+\.ResourceType$/.test(key) && value === 'spot-instances-request');
    assert.equal(tagged.length, 1, 'the spot request is tagged at creation, as tag policies require');
    const launched = aws.ec2.instance(result.controller.instance.id);
    assert.equal(launched.tags[TagKey.EnvironmentUuid], environ.environment.uuid);
    assert.deepEqual(launched.launch?.spot?.tags, launched.tags, 'the spot request carries the same tags as the instance');
    assert.equal(result.controller.hardware?.spot, true);
    const [seen] = await environ.instances({ ids: [result.controller.instance.id] });
    assert.equal(seen?.hardware?.spot, true, 'DescribeInstances says spot (instanceLifecycle)');
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('passes a policy that requires tags at creation on every resource, spot request included, and is refused without the tags', async (t) => {
    resetFaults();
    aws.ec2.faults.requireTags = ['cost-centre'];
    t.after(() => {
      aws.ec2.faults.requireTags = [];
    });
    const tagged = environWith({ spot: true, resourceTags: { 'cost-centre': '0042' } });
    const from = aws.ec2.requests.length;
    const result = await bootstrap({ environ: tagged, clientKey, timeouts: fastWait });
    assert.deepEqual(aws.ec2.requests.slice(from).filter((r) => r.status >= 400).map((r) => `${r.action} ${r.errorCode ?? ''}`), []);
    const launched = aws.ec2.instance(result.controller.instance.id);
    assert.equal(launched.launch?.spot?.tags['cost-centre'], '0042');
    assert.deepEqual((await destroy({ environ: tagged })).failures, []);

    const untagged = environWith({ spot: true });
    const refusedFrom = aws.ec2.requests.length;
    await assert.rejects(bootstrap({ environ: untagged, clientKey, timeouts: fastWait }), /explicit deny in a service control policy/);
    assert.deepEqual(
      aws.ec2.requests.slice(refusedFrom).filter((r) => r.errorCode === 'UnauthorizedOperation').map((r) => r.action),
      ['CreateSecurityGroup'],
      'the first resource it would create is refused',
    );
    assert.deepEqual(runsSince(refusedFrom), []);
    assert.deepEqual(ownedBy(untagged.environment.uuid), { instances: 0, groups: 0 });
  });

  it('moves to the next zone when a zone has no spot capacity, and when its spot price is above the cap', async () => {
    resetFaults();
    aws.ec2.faults.spotCapacity = ['us-east-1a'];
    aws.ec2.faults.spotPrices = { 'us-east-1b': 0.5, 'us-east-1c': 0.001 };
    const environ = environWith({ spot: true, spotMaxPrice: '0.02' });
    const from = aws.ec2.requests.length;
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait });
    assert.deepEqual(runsSince(from).map((run) => [run.zone, run.status, run.code]), [
      ['us-east-1a', 500, 'InsufficientInstanceCapacity'],
      ['us-east-1b', 400, 'SpotMaxPriceTooLow'],
      ['us-east-1c', 200, undefined],
    ]);
    assert.equal(runsSince(from)[0]?.params['InstanceMarketOptions.SpotOptions.MaxPrice'], '0.02');
    assert.equal(result.controller.instance.zone, 'us-east-1c');
    resetFaults();
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('stops at once on the spot quota, which no other zone changes, and undoes the claim', async () => {
    resetFaults();
    aws.ec2.faults.spotQuota = true;
    const environ = environWith({ spot: true });
    const from = aws.ec2.requests.length;
    await assert.rejects(bootstrap({ environ, clientKey, timeouts: fastWait }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.QuotaExceeded) !== undefined, error.message);
      assert.match(error.message, /Max spot instance count exceeded \(MaxSpotInstanceCountExceeded\); stop Spot instances you no longer need/);
      return true;
    });
    assert.equal(runsSince(from).length, 1);
    resetFaults();
    assert.deepEqual(ownedBy(environ.environment.uuid), { instances: 0, groups: 0 });
    await assert.rejects(environ.storage().get({ key: 'provider-state' }), { code: 'NOT_FOUND' });
  });

  it('plans spot and the profile: the RunInstances purpose, a note, and iam permissions only with a profile', async () => {
    resetFaults();
    const plain = await environWith({}).planStart({ machineId: '0', controller: true, bootstrap: true, zones: ['us-east-1a'], constraints: {} });
    assert.equal(plain.permissions?.some((action) => action.startsWith('iam:')), false);
    const planned = await environWith({ spot: true, instanceProfile: { name: ci.name } }).planStart({ machineId: '0', controller: true, bootstrap: true, zones: ['us-east-1a', 'us-east-1b'], constraints: {} });
    assert.ok(planned.permissions !== undefined);
    assert.deepEqual(planned.permissions.filter((action) => action.startsWith('iam:')), ['iam:GetInstanceProfile', 'iam:PassRole']);
    assert.deepEqual(planned.calls.find((call) => call.action === 'iam:GetInstanceProfile'), { step: 'preflight', action: 'iam:GetInstanceProfile', purpose: 'check that instance profile envboot-ci exists', writes: false });
    assert.match(planned.calls.find((call) => call.action === 'ec2:RunInstances')?.purpose ?? '', /^start machine 0 as \S+ \(spot\), with instance profile envboot-ci in us-east-1a \(then us-east-1b if that one has no capacity\)/);
    assert.match(planned.notes.join('\n'), /one-time spot instance, paying the spot price, at most the on-demand price: EC2 may take it back at two minutes' notice, which terminates it/);
  });
});
