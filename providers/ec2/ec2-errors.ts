import {
  CancelledError, CapacityError, ConfigError, CredentialsError, ErrorCode, NotFoundError, QuotaExceededError, RateLimitedError,
  ZoneIndependentError,
} from '../../src/index.js';

/** What envboot was doing when an EC2 call failed. */
export interface Ec2ErrorContext {
  /** Short, lower-case: `starting instance in us-east-1b`. Starts the message. */
  readonly what: string;
  /** The zone the call was about: a capacity error is scoped to it. */
  readonly zone?: string | undefined;
  /** The instance type asked for: a capacity error is scoped to it. */
  readonly instanceType?: string | undefined;
  /** The IAM action of the call, e.g. `ec2:RunInstances`: named when permission is missing. */
  readonly action?: string | undefined;
  /** The call's signal: once it is aborted, any failure is a cancellation. */
  readonly signal?: AbortSignal | undefined;
  /** The clock for a rate limit's earliest retry; `Date.now` by default. */
  readonly now?: (() => number) | undefined;
}

/** What the SDK's errors carry: `name` is the AWS error code. */
interface SdkError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const capacityCodes = new Set([
  'InsufficientInstanceCapacity', 'InsufficientHostCapacity', 'InsufficientReservedInstanceCapacity', 'InsufficientCapacityOnHost',
  'Unsupported', 'InsufficientFreeAddressesInSubnet',
  // Spot: no spare capacity, or its price above `spot-max-price`; both are per zone and type.
  'UnfulfillableCapacity', 'SpotMaxPriceTooLow',
]);
const quotaNextSteps: Readonly<Record<string, string>> = {
  InstanceLimitExceeded: 'stop machines you no longer need, or request a higher instance quota in the Service Quotas console',
  VcpuLimitExceeded: 'stop machines you no longer need, or request a higher vCPU quota ("Running On-Demand … instances") in the Service Quotas console',
  MaxSpotInstanceCountExceeded: 'stop Spot instances you no longer need, or request a higher Spot quota in the Service Quotas console',
  VolumeLimitExceeded: 'delete EBS volumes you no longer need, or request a higher EBS quota in the Service Quotas console',
  AddressLimitExceeded: 'release Elastic IP addresses you no longer need, or request a higher quota in the Service Quotas console',
  SecurityGroupLimitExceeded: 'delete security groups you no longer need (`envboot cleanup` removes leftover envboot ones), or request a higher quota in the Service Quotas console',
  RulesPerSecurityGroupLimitExceeded: 'list fewer ssh-cidr blocks or expose to fewer sources (`envboot unexpose`), or request a higher rules-per-group quota in the Service Quotas console',
  ResourceLimitExceeded: 'delete resources you no longer need, or request a quota increase in the Service Quotas console',
};
const throttlingCodes = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'RequestThrottled']);
const checkCredentials = 'check the credentials in use (AWS_PROFILE, `aws configure`, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
const credentialNextSteps: Readonly<Record<string, string>> = {
  AuthFailure: checkCredentials,
  InvalidClientTokenId: `the access key id is not known to AWS; ${checkCredentials}`,
  UnrecognizedClientException: `the access key id is not known to AWS; ${checkCredentials}`,
  SignatureDoesNotMatch: `the secret access key does not match the key id; ${checkCredentials}`,
  ExpiredToken: 'the session has expired; refresh it (e.g. `aws sso login`) and run again',
  ExpiredTokenException: 'the session has expired; refresh it (e.g. `aws sso login`) and run again',
  RequestExpired: "the request's timestamp is too far from AWS's clock; check this machine's clock (NTP) and run again",
  OptInRequired: 'the account is not subscribed to EC2 in this region; enable the region (or finish the sign-up) in the AWS console',
  Blocked: 'AWS has blocked the account; contact AWS Support',
  // The first spot request of an account makes EC2's spot role, which needs iam:CreateServiceLinkedRole.
  'AuthFailure.ServiceLinkedRoleCreationNotPermitted':
    'spot needs the role AWSServiceRoleForEC2Spot, which the credentials in use may not create: have it made once (`aws iam create-service-linked-role --aws-service-name spot.amazonaws.com`) and run again',
  PendingVerification: 'AWS is still verifying the account; wait for the confirmation email and run again',
  // A profile that does not exist never gets here (see `requireProfile`): the profile in use, if any, has no usable credentials.
  CredentialsProviderError:
    'no AWS credentials were found: give the profile in use keys (`aws configure --profile NAME`) or a session (`aws sso login --profile NAME`), name another one with the profile option or AWS_PROFILE, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a machine with an instance role',
};
const configNextSteps: Readonly<Record<string, string>> = {
  'InvalidAMIID.NotFound': 'check `image` in the environment config: the AMI must exist in this region and be shared with the account',
  'InvalidAMIID.Malformed': 'check `image` in the environment config (ami- and 8 or 17 hex digits)',
  'InvalidSubnetID.NotFound': 'check `subnets` in the environment config: each subnet must exist in this region',
  'InvalidVpcID.NotFound': 'check `vpc` in the environment config: the VPC must exist in this region',
  'InvalidGroup.NotFound': "the environment's security group is gone; run the command again to recreate it",
  InvalidInstanceType: 'check the instance-type constraint: `aws ec2 describe-instance-types` lists the types of this region',
  'InvalidKeyPair.NotFound': "the environment's key pair is gone; run the command again to recreate it",
  InvalidBlockDeviceMapping: 'check the root-disk constraint and the image (`image`)',
  'InvalidUserData.Malformed': 'this is a bug in envboot; please report it with the --debug log',
};
/** EC2's answer to a profile it cannot use: "Value (x) for parameter iamInstanceProfile.name is invalid". */
const instanceProfileMessage = /iamInstanceProfile/i;
const instanceProfileNext =
  'check `instance-profile` in the environment config: the instance profile must exist in this account (`aws iam list-instance-profiles`); envboot waits up to 90 s for one IAM has just made to reach EC2';
/**
 * Whether `error` (translated or not) is EC2 refusing the instance profile: what EC2 answers
 * for a profile that does not exist, and for some seconds after one was made, until IAM's
 * change reaches EC2.
 */
export function isInstanceProfileRefusal(error: unknown): boolean {
  for (let at: unknown = error; typeof at === 'object' && at !== null; at = (at as { cause?: unknown }).cause) {
    if (ec2ErrorCode(at) === 'InvalidParameterValue' && instanceProfileMessage.test(awsMessage(at))) return true;
  }
  return false;
}
const genericConfigCodes = new Set(['InvalidParameterValue', 'InvalidParameterCombination', 'InvalidParameter', 'MissingParameter']);
const capacityMessage = /not supported in (your|the) requested availability zone|availability zone .{0,40}\b(is )?(not available|unavailable|constrained)|capacity/i;
const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const envbootCodes: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * Translates an error from @aws-sdk/client-ec2 into envboot's error family, once, at the
 * provider boundary; the SDK error stays reachable as `cause`. The message is
 * `<what>: <AWS's message> (<code>); <what to do next>`.
 *
 * - capacity (`InsufficientInstanceCapacity`, `Unsupported`, a full subnet, spot's `UnfulfillableCapacity`, …):
 *   `CapacityError` scoped to the context's zone (and instance type): the next zone may work;
 * - quotas, credentials and bad requests (`VcpuLimitExceeded`, `UnauthorizedOperation`,
 *   `InvalidAMIID.NotFound`, an unusable instance profile, …): `QuotaExceededError`, `CredentialsError`, `ConfigError`
 *   inside a `ZoneIndependentError`; an unreachable endpoint likewise;
 * - throttling: `RateLimitedError`, retry after a second; cancellation: `CancelledError`;
 * - any other `*.NotFound`: `NotFoundError`; anything else: an Error with context.
 *
 * @example
 * try { await client.send(new RunInstancesCommand(input), { abortSignal: signal }); }
 * catch (error) { throw translateEc2Error(error, { what: `starting instance in ${zone}`, zone, instanceType, action: 'ec2:RunInstances' }); }
 */
export function translateEc2Error(error: unknown, context: Ec2ErrorContext): Error {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const code = ec2ErrorCode(error) ?? '';
  const status = sdk.$metadata?.httpStatusCode;
  const original = awsMessage(error);
  const described = `${context.what}: ${original}${code === '' || original.includes(code) ? '' : ` (${code})`}`;
  const say = (next: string): string => `${described}; ${next}`;
  const cause = { cause: error };
  if (context.signal?.aborted === true || code === 'AbortError' || sdk.code === 'ABORT_ERR') {
    return new CancelledError(`${context.what} cancelled`, cause);
  }
  if (typeof sdk.code === 'string' && envbootCodes.has(sdk.code) && error instanceof Error) return error;
  if (code === 'InvalidParameterValue' && instanceProfileMessage.test(original)) return new ZoneIndependentError(new ConfigError(say(instanceProfileNext), cause));
  if (capacityCodes.has(code) || (code === 'InvalidParameterValue' && capacityMessage.test(original))) return capacityError(error, code, say, context);
  const quotaNext = quotaNextSteps[code];
  if (quotaNext !== undefined) return new ZoneIndependentError(new QuotaExceededError(say(quotaNext), cause));
  if (throttlingCodes.has(code) || sdk.$retryable?.throttling === true) {
    const earliestRetry = new Date((context.now ?? Date.now)() + 1000);
    return new RateLimitedError(say('EC2 is throttling requests; envboot retries after a pause'), { earliestRetry, ...cause });
  }
  if (code === 'UnauthorizedOperation') {
    const named = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(original)?.[1];
    // RunInstances with an instance profile also needs iam:PassRole, which EC2 names in its message.
    const action = named?.startsWith('iam:') === true ? named : (context.action ?? named);
    const missing = action === undefined ? 'a permission envboot needs' : `the ${action} permission`;
    // An explicit deny is a policy saying no (an SCP, a permissions boundary), not a missing grant: most often a tag policy.
    if (/explicit deny/i.test(original)) {
      const where = /in an? ([a-z ]*policy)/i.exec(original)?.[1] ?? 'a policy';
      const next = `an explicit deny in ${where} refuses ${action ?? 'the request'}; organisations' policies most often require their own tags at creation: add them with the ec2 option resource-tags or --tag KEY=VALUE (AWS's \`aws sts decode-authorization-message\` explains the encoded message), or ask the policy's owner`;
      return new ZoneIndependentError(new CredentialsError(say(next), cause));
    }
    return new ZoneIndependentError(new CredentialsError(say(`the credentials in use lack ${missing}; grant it to the IAM user or role and run again`), cause));
  }
  const credentialNext = credentialNextSteps[code];
  if (credentialNext !== undefined || status === 401 || status === 403) {
    return new ZoneIndependentError(new CredentialsError(say(credentialNext ?? `AWS refused the request; ${checkCredentials}`), cause));
  }
  const configNext = code === 'InvalidGroup.NotFound' && context.action !== 'ec2:RunInstances' ? undefined : configNextSteps[code];
  if (configNext !== undefined || genericConfigCodes.has(code)) {
    return new ZoneIndependentError(new ConfigError(say(configNext ?? 'check the environment config and constraints'), cause));
  }
  if (isEc2NotFound(error)) return new NotFoundError(say('it may have been deleted already'), cause);
  if (code === 'DependencyViolation') {
    return new Error(say('something still uses it, often an instance that is still shutting down; retry in a minute'), cause);
  }
  if (networkCodes.has(code) || code === 'TimeoutError') {
    const next = 'the EC2 endpoint was unreachable: check the region, AWS_ENDPOINT_URL_EC2 if set, and the network or proxy';
    return new ZoneIndependentError(new Error(say(next), cause));
  }
  return new Error(described, cause);
}

/** The AWS error code of an SDK error (its `name`, e.g. `InvalidInstanceID.NotFound`), or a Node error's `code`. */
export function ec2ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as SdkError;
  if (typeof code === 'string' && networkCodes.has(code)) return code;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

/** True for an SDK error whose AWS code ends in `.NotFound`: callers deleting things treat it as success. */
export function isEc2NotFound(error: unknown): boolean {
  return ec2ErrorCode(error)?.endsWith('.NotFound') ?? false;
}

/**
 * True when `error`, or an error in its cause chain, is EC2's `DependencyViolation`: the
 * resource is still in use (a security group whose instance is shutting down). Retrying
 * later usually succeeds.
 */
export function isDependencyViolation(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = error; typeof e === 'object' && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (ec2ErrorCode(e) === 'DependencyViolation') return true;
  }
  return false;
}

function capacityError(error: unknown, code: string, say: (next: string) => string, context: Ec2ErrorContext): CapacityError {
  const zone = context.zone ?? /requested \(([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d[a-z])\)/i.exec(awsMessage(error))?.[1];
  const subnetFull = code === 'InsufficientFreeAddressesInSubnet';
  // A full subnet refuses every type; any other shortage is about the type asked for.
  const scope = context.instanceType === undefined || subnetFull ? { kind: 'all' as const } : { kind: 'instance-type' as const, instanceType: context.instanceType };
  const next = subnetFull
    ? 'the subnet has no free addresses; envboot tries the next zone (free addresses or add a subnet to `subnets`)'
    : code === 'SpotMaxPriceTooLow'
      ? 'the spot price here is above spot-max-price; envboot tries the next zone; raise spot-max-price, or drop it to pay up to the on-demand price'
      : 'envboot tries the next zone; if every zone fails, choose another instance type or retry later';
  return new CapacityError(say(next), { scope, ...(zone === undefined ? {} : { zone }), cause: error });
}

/** AWS's message without a trailing full stop, and never the encoded authorization blob (it stays in `cause`). */
function awsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof (error as SdkError | null)?.message === 'string' ? String((error as SdkError).message) : String(error);
  const text = message
    .replace(/\s*Encoded authorization failure message:[\s\S]*$/i, '')
    .trim()
    .replace(/\.$/, '');
  return text === '' ? (ec2ErrorCode(error) ?? 'unknown error') : text;
}
