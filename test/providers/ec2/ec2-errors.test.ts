import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  CapacityError,
  ErrorCode,
  NotFoundError,
  QuotaExceededError,
  capacityScope,
  earliestRetry,
  errorCodeOf,
  exitCodeFor,
  ExitCode,
  isCancelled,
  isCapacityError,
  isConfigError,
  isCredentialsError,
  isNotFound,
  isQuotaExceeded,
  isRateLimited,
  isZoneIndependent,
} from '../../../src/index.js';
import { ec2ErrorCode, isDependencyViolation, isEc2NotFound, translateEc2Error } from '../../../providers/ec2/ec2-errors.js';

function awsError(name: string, message: string, httpStatusCode = 400): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode }, message });
}

/** A Node system error as the SDK's HTTP handler rethrows it. */
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 198.51.100.1:443`), { code });
}

const starting = { what: 'starting instance in us-east-1b', zone: 'us-east-1b', instanceType: 't3.micro', action: 'ec2:RunInstances' };

describe('translateEc2Error', () => {
  // The code anywhere in the chain, whether zone fail-over must stop, and what the message says.
  const cases: [string, unknown, ErrorCode | undefined, boolean, RegExp][] = [
    ['no capacity', awsError('InsufficientInstanceCapacity', 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1b).', 500), ErrorCode.CapacityUnavailable, false, /^starting instance in us-east-1b: We currently do not have sufficient t3\.micro capacity.*\(us-east-1b\) \(InsufficientInstanceCapacity\); envboot tries the next zone/],
    ['a type the zone lacks', awsError('Unsupported', 'Your requested instance type (t3.micro) is not supported in your requested Availability Zone (us-east-1e).'), ErrorCode.CapacityUnavailable, false, /\(Unsupported\); envboot tries the next zone/],
    ['a full subnet', awsError('InsufficientFreeAddressesInSubnet', 'Insufficient free IP addresses in subnet'), ErrorCode.CapacityUnavailable, false, /no free addresses; envboot tries the next zone/],
    ['an unavailable zone as a bad parameter', awsError('InvalidParameterValue', "Value (us-east-1e) for parameter availabilityZone is invalid. The requested Availability Zone is currently constrained"), ErrorCode.CapacityUnavailable, false, /InvalidParameterValue/],
    ['the vCPU quota', awsError('VcpuLimitExceeded', 'You have requested more vCPU capacity than your current vCPU limit of 32 allows.'), ErrorCode.QuotaExceeded, true, /vCPU limit of 32 allows \(VcpuLimitExceeded\); stop machines .*Service Quotas console/],
    ['the instance quota', awsError('InstanceLimitExceeded', 'Your quota allows for 0 more running instance(s).'), ErrorCode.QuotaExceeded, true, /Service Quotas console/],
    ['the security group quota', awsError('SecurityGroupLimitExceeded', 'The maximum number of security groups has been reached.'), ErrorCode.QuotaExceeded, true, /delete security groups you no longer need/],
    ['throttling', awsError('RequestLimitExceeded', 'Request limit exceeded.', 503), ErrorCode.RateLimited, false, /\(RequestLimitExceeded\); EC2 is throttling requests/],
    ['ThrottlingException', awsError('ThrottlingException', 'Rate exceeded'), ErrorCode.RateLimited, false, /throttling/],
    ['a refused signature', awsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401), ErrorCode.CredentialsInvalid, true, /\(AuthFailure\); check the credentials in use \(AWS_PROFILE/],
    ['an unknown key id', awsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403), ErrorCode.CredentialsInvalid, true, /access key id is not known/],
    ['an expired session', awsError('ExpiredToken', 'The security token included in the request is expired', 400), ErrorCode.CredentialsInvalid, true, /aws sso login/],
    ['a skewed clock', awsError('RequestExpired', 'Request has expired.'), ErrorCode.CredentialsInvalid, true, /check this machine's clock/],
    ['a region not opted in', awsError('OptInRequired', 'You are not subscribed to this service.', 401), ErrorCode.CredentialsInvalid, true, /enable the region/],
    ['some other 403', awsError('AccessDenied', 'Access denied', 403), ErrorCode.CredentialsInvalid, true, /AWS refused the request; check the credentials/],
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), ErrorCode.CredentialsInvalid, true, /no AWS credentials were found: give the profile in use keys \(`aws configure --profile NAME`\).*AWS_ACCESS_KEY_ID .*instance role/],
    ['a missing AMI', awsError('InvalidAMIID.NotFound', "The image id '[ami-0123456789abcdef0]' does not exist"), ErrorCode.ConfigInvalid, true, /does not exist \(InvalidAMIID\.NotFound\); check `image`/],
    ['a missing subnet', awsError('InvalidSubnetID.NotFound', "The subnet ID 'subnet-12345678' does not exist"), ErrorCode.ConfigInvalid, true, /check `subnets`/],
    ['an unknown instance type', awsError('InvalidInstanceType', "The instance type 't9.huge' does not exist"), ErrorCode.ConfigInvalid, true, /instance-type constraint/],
    ['a bad parameter', awsError('InvalidParameterValue', "Value (xyz) for parameter instanceInitiatedShutdownBehavior is invalid."), ErrorCode.ConfigInvalid, true, /\(InvalidParameterValue\); check the environment config/],
    ['an instance profile EC2 cannot use', awsError('InvalidParameterValue', 'Value (ci-role) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name'), ErrorCode.ConfigInvalid, true, /Invalid IAM Instance Profile name \(InvalidParameterValue\); check `instance-profile` in the environment config: the instance profile must exist/],
    ['no spot capacity', awsError('InsufficientInstanceCapacity', 'There is no Spot capacity available that matches your request.', 500), ErrorCode.CapacityUnavailable, false, /no Spot capacity .*; envboot tries the next zone/],
    ['unfulfillable spot capacity', awsError('UnfulfillableCapacity', "At this time there isn't enough spare capacity to fulfill your request for Spot Instances.", 500), ErrorCode.CapacityUnavailable, false, /\(UnfulfillableCapacity\); envboot tries the next zone/],
    ['a spot price above the maximum', awsError('SpotMaxPriceTooLow', 'Your Spot request price of 0.001 is lower than the minimum required Spot request fulfillment price of 0.0035.'), ErrorCode.CapacityUnavailable, false, /\(SpotMaxPriceTooLow\); the spot price here is above spot-max-price; envboot tries the next zone; raise spot-max-price/],
    ['the spot quota', awsError('MaxSpotInstanceCountExceeded', 'Max spot instance count exceeded'), ErrorCode.QuotaExceeded, true, /\(MaxSpotInstanceCountExceeded\); stop Spot instances you no longer need/],
    ['no spot role, and no right to make it', awsError('AuthFailure.ServiceLinkedRoleCreationNotPermitted', 'The provided credentials do not have permission to create the service-linked role for EC2 Spot Instances.'), ErrorCode.CredentialsInvalid, true, /\(AuthFailure\.ServiceLinkedRoleCreationNotPermitted\); spot needs the role AWSServiceRoleForEC2Spot, .*aws iam create-service-linked-role --aws-service-name spot\.amazonaws\.com/],
    ['iam:PassRole missing for the instance profile', awsError('UnauthorizedOperation', 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/ci because no identity-based policy allows the iam:PassRole action. Encoded authorization failure message: abc', 403), ErrorCode.CredentialsInvalid, true, /lack the iam:PassRole permission; grant it/],
    ['a missing group while starting', awsError('InvalidGroup.NotFound', "The security group 'sg-12345678' does not exist"), ErrorCode.ConfigInvalid, true, /security group is gone; run the command again/],
    ['an abort', Object.assign(new Error('Request aborted'), { name: 'AbortError' }), ErrorCode.Cancelled, true, /^starting instance in us-east-1b cancelled$/],
    ['a refused connection', networkError('ECONNREFUSED'), ErrorCode.ZoneIndependent, true, /ECONNREFUSED 198\.51\.100\.1:443; the EC2 endpoint was unreachable: check the region, AWS_ENDPOINT_URL_EC2/],
    ['an unknown host', networkError('ENOTFOUND'), ErrorCode.ZoneIndependent, true, /endpoint was unreachable/],
    ['an SDK timeout', Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }), ErrorCode.ZoneIndependent, true, /timed out after 1000 ms \(TimeoutError\); the EC2 endpoint was unreachable/],
    ['a server error', awsError('InternalError', 'An internal error has occurred', 500), undefined, false, /^starting instance in us-east-1b: An internal error has occurred \(InternalError\)$/],
    ['a thrown string', 'boom', undefined, false, /^starting instance in us-east-1b: boom$/],
  ];
  for (const [name, error, code, zoneIndependent, message] of cases) {
    it(`translates ${name}`, () => {
      const translated = translateEc2Error(error, starting);
      if (code !== undefined) assert.equal(errorCodeOf(translated) === code || errorCodeOf(translated.cause) === code, true, `code ${String(errorCodeOf(translated))}`);
      else assert.equal(errorCodeOf(translated), undefined);
      assert.equal(isZoneIndependent(translated), zoneIndependent);
      assert.match(translated.message, message);
      const chain: unknown[] = [];
      for (let e: unknown = translated; e instanceof Error; e = e.cause) chain.push(e);
      assert.ok(chain.includes(error) || (typeof error === 'string' && translated.cause === error), 'the SDK error is in the cause chain');
    });
  }

  it('scopes capacity to the instance type and zone, or to everything', () => {
    const byType = translateEc2Error(awsError('InsufficientInstanceCapacity', 'no capacity'), starting);
    assert.ok(byType instanceof CapacityError && isCapacityError(byType));
    assert.deepEqual(capacityScope(byType), { kind: 'instance-type', instanceType: 't3.micro' });
    assert.equal(byType.zone, 'us-east-1b');
    const noType = translateEc2Error(awsError('InsufficientInstanceCapacity', 'We currently do not have sufficient capacity in the Availability Zone you requested (us-west-2c).'), { what: 'starting instance' });
    assert.deepEqual(capacityScope(noType), { kind: 'all' });
    assert.ok(noType instanceof CapacityError);
    assert.equal(noType.zone, 'us-west-2c');
    const subnet = translateEc2Error(awsError('InsufficientFreeAddressesInSubnet', 'full'), starting);
    assert.deepEqual(capacityScope(subnet), { kind: 'all' });
  });

  it('wraps quota, credential and config errors in the zone-independent marker', () => {
    const quota = translateEc2Error(awsError('VcpuLimitExceeded', 'over'), starting);
    assert.equal(errorCodeOf(quota), ErrorCode.ZoneIndependent);
    assert.ok(quota.cause instanceof QuotaExceededError && isQuotaExceeded(quota));
    assert.ok(isCredentialsError(translateEc2Error(awsError('Blocked', 'blocked'), starting)));
    assert.ok(isConfigError(translateEc2Error(awsError('MissingParameter', 'missing'), starting)));
    assert.equal(exitCodeFor(translateEc2Error(awsError('AuthFailure', 'no', 401), starting)), ExitCode.Credentials);
    assert.equal(exitCodeFor(translateEc2Error(awsError('InvalidAMIID.Malformed', 'bad'), starting)), ExitCode.BadInput);
  });

  it('sets the earliest retry a second after now', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const limited = translateEc2Error(awsError('Throttling', 'slow down'), { what: 'listing instances', now: () => now });
    assert.ok(isRateLimited(limited));
    assert.equal(earliestRetry(limited)?.getTime(), now + 1000);
  });

  it('names the missing permission and drops the encoded authorization message', () => {
    const blob = 'Ab3dEncodedBlob_xyz-123';
    const denied = awsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/* because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: ${blob}`,
      403,
    );
    for (const context of [starting, { what: 'starting instance' }]) {
      const translated = translateEc2Error(denied, context);
      assert.ok(isCredentialsError(translated) && isZoneIndependent(translated));
      assert.match(translated.message, /\(UnauthorizedOperation\); the credentials in use lack the ec2:RunInstances permission; grant it/);
      assert.ok(!translated.message.includes(blob) && !translated.message.includes('Encoded authorization'), translated.message);
      assert.equal((translated.cause as Error).cause, denied);
    }
    const unnamed = translateEc2Error(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403), { what: 'x' });
    assert.match(unnamed.message, /lack a permission envboot needs/);
  });

  it('maps other missing resources to not found', () => {
    for (const code of ['InvalidInstanceID.NotFound', 'InvalidVolume.NotFound', 'InvalidGroup.NotFound']) {
      const sdk = awsError(code, 'does not exist');
      const translated = translateEc2Error(sdk, { what: 'deleting it', action: 'ec2:DeleteSecurityGroup' });
      assert.ok(translated instanceof NotFoundError && isNotFound(translated), code);
      assert.equal(isZoneIndependent(translated), false);
      assert.equal(translated.cause, sdk);
    }
  });

  it('treats any failure after the signal was aborted as cancellation', () => {
    const controller = new AbortController();
    controller.abort();
    const translated = translateEc2Error(awsError('InternalError', 'late', 500), { what: 'listing instances', signal: controller.signal });
    assert.ok(isCancelled(translated));
    assert.equal(exitCodeFor(translated), ExitCode.Interrupted);
  });

  it('keeps a dependency violation recognisable and leaves envboot errors alone', () => {
    const violation = translateEc2Error(awsError('DependencyViolation', "resource sg-12345678 has a dependent object"), { what: 'deleting security group sg-12345678' });
    assert.ok(isDependencyViolation(violation));
    assert.match(violation.message, /^deleting security group sg-12345678: resource sg-12345678 has a dependent object \(DependencyViolation\); .*retry in a minute$/);
    const already = new NotFoundError('gone');
    assert.equal(translateEc2Error(already, { what: 'x' }), already);
  });
});

describe('EC2 error helpers', () => {
  it('read the AWS code', () => {
    assert.equal(ec2ErrorCode(awsError('InvalidInstanceID.NotFound', 'x')), 'InvalidInstanceID.NotFound');
    assert.equal(ec2ErrorCode(networkError('ETIMEDOUT')), 'ETIMEDOUT');
    assert.equal(ec2ErrorCode(new Error('plain')), undefined);
    assert.equal(ec2ErrorCode('text'), undefined);
  });

  it('recognise not found by the code suffix', () => {
    assert.equal(isEc2NotFound(awsError('InvalidInstanceID.NotFound', 'x')), true);
    assert.equal(isEc2NotFound(awsError('InvalidAMIID.Malformed', 'x')), false);
    assert.equal(isEc2NotFound(undefined), false);
  });

  it('recognise a dependency violation, raw or wrapped', () => {
    const raw = awsError('DependencyViolation', 'in use');
    assert.equal(isDependencyViolation(raw), true);
    assert.equal(isDependencyViolation(new Error('context', { cause: raw })), true);
    assert.equal(isDependencyViolation(awsError('InvalidGroup.InUse', 'in use')), false);
    assert.equal(isDependencyViolation(null), false);
  });
});
