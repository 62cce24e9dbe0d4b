import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, destroy, EnvbootError, ErrorCode, generateSshKeyPair } from '../../../src/index.js';
import { fastWait, startFakeAws, type FakeAws } from './fixtures.js';

// IAM is eventually consistent: a profile made a moment ago (by Terraform, in the same CI
// job) is refused by RunInstances as "Invalid IAM Instance Profile name" for some seconds.
// The fake EC2 here knows the profile only after it has refused it `refusals` times.

let refusals = 0;
const aws: FakeAws = await startFakeAws({
  instanceProfiles: (ref) => {
    if (ref.name !== 'fresh-profile') return undefined;
    if (refusals > 0) {
      refusals -= 1;
      return undefined;
    }
    return { arn: 'arn:aws:iam::123456789012:instance-profile/fresh-profile', id: 'AIPAFRESHPROFILE' };
  },
});
const clientKey = generateSshKeyPair({ comment: 'test' });

function runInstancesSince(from: number): { errorCode: string | undefined; token: string | undefined }[] {
  return aws.ec2.requests.slice(from).filter((r) => r.action === 'RunInstances').map((r) => ({ errorCode: r.errorCode, token: r.params['ClientToken'] }));
}

describe('ec2 provider: an instance profile IAM has not spread to EC2 yet (fake EC2, real SDK)', () => {
  it('is asked for again until EC2 takes it, each time with a token of its own, and the machine starts once', async () => {
    refusals = 2;
    const environ = aws.environ({ config: { instanceProfile: { name: 'fresh-profile' } } });
    const from = aws.ec2.requests.length;
    const result = await bootstrap({ environ, clientKey, timeouts: fastWait });
    const runs = runInstancesSince(from);
    assert.deepEqual(runs.map((r) => r.errorCode), ['InvalidParameterValue', 'InvalidParameterValue', undefined]);
    assert.equal(new Set(runs.map((r) => r.token)).size, 3, 'a refused call started nothing: a new token each time');
    assert.equal(aws.ec2.instances().filter((i) => i.tags['envboot-environment-uuid'] === environ.environment.uuid).length, 1);
    assert.equal(aws.ec2.instance(result.controller.instance.id).state === 'running' || aws.ec2.instance(result.controller.instance.id).state === 'pending', true);
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('is refused for good once the wait is over, naming the option, with no machine started and no other zone tried', async () => {
    refusals = 1_000;
    const environ = aws.environ({ config: { instanceProfile: { name: 'fresh-profile' } } });
    const from = aws.ec2.requests.length;
    const error = await bootstrap({ environ, clientKey, timeouts: fastWait }).then(
      () => assert.fail('the bootstrap should fail'),
      (e: unknown) => e,
    );
    const codes: string[] = [];
    for (let at: unknown = error; at instanceof Error; at = at.cause) if (at instanceof EnvbootError) codes.push(at.code);
    assert.deepEqual(codes.slice(0, 2), [ErrorCode.ZoneIndependent, ErrorCode.ConfigInvalid], 'bad config, for every zone alike (exit 2)');
    assert.match((error as Error).message, /iamInstanceProfile\.name is invalid.*check `instance-profile` in the environment config/);
    const runs = runInstancesSince(from);
    assert.ok(runs.length >= 2, `asked again within the wait: ${runs.length} calls`);
    assert.ok(runs.every((r) => r.errorCode === 'InvalidParameterValue'));
    const zones = new Set(aws.ec2.requests.slice(from).filter((r) => r.action === 'RunInstances').map((r) => r.params['Placement.AvailabilityZone']));
    assert.equal(zones.size, 1, 'a refused profile is not a zone problem');
    assert.equal(aws.ec2.instances().filter((i) => i.tags['envboot-environment-uuid'] === environ.environment.uuid && i.state !== 'terminated').length, 0);
    refusals = 0;
  });
});
