import type {
  AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupIngressCommandOutput,
  RevokeSecurityGroupIngressCommandInput,
  RevokeSecurityGroupIngressCommandOutput,
  CreateSecurityGroupCommandInput,
  CreateSecurityGroupCommandOutput,
  DeleteSecurityGroupCommandInput,
  DeleteSecurityGroupCommandOutput,
  DeleteVolumeCommandInput,
  DescribeAvailabilityZonesCommandInput,
  DescribeAvailabilityZonesCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeInstanceAttributeCommandInput,
  DescribeInstanceAttributeCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypeOfferingsCommandOutput,
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
  GetConsoleOutputCommandInput,
  GetConsoleOutputCommandOutput,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';

/** What each call gets besides its request. */
export interface Ec2CallOptions {
  /** Aborted when the caller gives up: stop, and reject (with any error) as soon as possible. */
  readonly signal?: AbortSignal | undefined;
}

/** An EC2 answer: the SDK's output without its response metadata (`$metadata`), which the provider never reads. */
export type Ec2Answer<Output> = Omit<Output, '$metadata'>;

/**
 * The EC2 API as the ec2 provider uses it: one method per EC2 action, each the IAM
 * permission of the same name (`ec2ProviderCalls` lists them, with `CreateTags`, which
 * `TagSpecifications` need). Requests and answers are the AWS SDK's data types for the
 * action (types only: an adapter needs neither the SDK's client nor its runtime), so an
 * adapter is a direct reading of the EC2 API reference. `sdkEc2Adapter` is the AWS
 * SDK's; tests and third parties stand in with their own, in memory or over another
 * transport.
 *
 * Adapters send each call once: `Ec2Api` around them retries throttled and transiently
 * failed calls, translates errors into envboot's family and logs. A failure rejects with
 * EC2's own error as the SDK gives it: an Error whose `name` is EC2's error code
 * (`InsufficientInstanceCapacity`, `InvalidGroup.Duplicate`, `DependencyViolation`,
 * `RequestLimitExceeded`, …) with `$metadata.httpStatusCode` (`ec2ServiceError` makes
 * one); an adapter may also reject with one of envboot's errors, which passes unchanged.
 *
 * @example
 * const adapter: Ec2Adapter = { ...recorded, describeAvailabilityZones: async () => ({ AvailabilityZones: [{ ZoneName: 'test-1a', State: 'available' }] }) };
 * const provider = createEc2Provider({ services: async () => ({ region: 'test-1', ec2: adapter, stateStorage: () => new MemoryStorage() }) });
 */
export interface Ec2Adapter {
  describeAvailabilityZones(input: DescribeAvailabilityZonesCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeAvailabilityZonesCommandOutput>>;
  describeInstanceTypes(input: DescribeInstanceTypesCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeInstanceTypesCommandOutput>>;
  describeInstanceTypeOfferings(input: DescribeInstanceTypeOfferingsCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeInstanceTypeOfferingsCommandOutput>>;
  describeImages(input: DescribeImagesCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeImagesCommandOutput>>;
  describeSubnets(input: DescribeSubnetsCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeSubnetsCommandOutput>>;
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeSecurityGroupsCommandOutput>>;
  /** Always with `TagSpecifications`: the group is tagged as it is made. */
  createSecurityGroup(input: CreateSecurityGroupCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<CreateSecurityGroupCommandOutput>>;
  authorizeSecurityGroupIngress(input: AuthorizeSecurityGroupIngressCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<AuthorizeSecurityGroupIngressCommandOutput>>;
  revokeSecurityGroupIngress(input: RevokeSecurityGroupIngressCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<RevokeSecurityGroupIngressCommandOutput>>;
  deleteSecurityGroup(input: DeleteSecurityGroupCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DeleteSecurityGroupCommandOutput>>;
  /** Always with a `ClientToken`: a retried call whose answer was lost returns the same machine, never a second one. */
  runInstances(input: RunInstancesCommandInput & { readonly ClientToken: string }, options: Ec2CallOptions): Promise<Ec2Answer<RunInstancesCommandOutput>>;
  describeInstances(input: DescribeInstancesCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeInstancesCommandOutput>>;
  terminateInstances(input: TerminateInstancesCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<TerminateInstancesCommandOutput>>;
  describeVolumes(input: DescribeVolumesCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeVolumesCommandOutput>>;
  /** EC2 answers nothing but success; the provider reads nothing of it. */
  deleteVolume(input: DeleteVolumeCommandInput, options: Ec2CallOptions): Promise<unknown>;
  /** Read only; `Latest` is refused with `UnsupportedOperation` by instance types that cannot give it. */
  getConsoleOutput(input: GetConsoleOutputCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<GetConsoleOutputCommandOutput>>;
  /** Read only; the provider asks for `Attribute: 'userData'` alone, answered base64-encoded. */
  describeInstanceAttribute(input: DescribeInstanceAttributeCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<DescribeInstanceAttributeCommandOutput>>;
}

/** An EC2 error as the AWS SDK raises it, for adapters that do not use the SDK. */
export interface Ec2ServiceErrorParams {
  /** EC2's error code, e.g. `InsufficientInstanceCapacity`. */
  readonly code: string;
  readonly message: string;
  /** Default 400; EC2 answers capacity shortages and internal errors with 500, throttling with 503. */
  readonly httpStatusCode?: number | undefined;
}

/**
 * An error shaped as the AWS SDK's for EC2's answer `code`, which the ec2 provider
 * classifies as it classifies the SDK's (capacity moves to the next zone, throttling is
 * retried, a `.NotFound` when deleting is success, …).
 *
 * @example
 * throw ec2ServiceError({ code: 'InsufficientInstanceCapacity', message: 'no t3.micro capacity in test-1a', httpStatusCode: 500 });
 */
export function ec2ServiceError(params: Ec2ServiceErrorParams): Error {
  const error = new Error(params.message);
  error.name = params.code;
  return Object.assign(error, { $fault: (params.httpStatusCode ?? 400) >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: params.httpStatusCode ?? 400 } });
}
