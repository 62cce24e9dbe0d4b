import type {
  AuthorizeSecurityGroupIngressCommandInput,
  RevokeSecurityGroupIngressCommandInput,
  CreateSecurityGroupCommandInput,
  DescribeAvailabilityZonesCommandInput,
  DescribeImagesCommandInput,
  DescribeInstanceAttributeCommandInput,
  DescribeInstancesCommandInput,
  DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypesCommandInput,
  DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommandInput,
  DescribeVolumesCommandInput,
  GetConsoleOutputCommandInput,
  RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import type { Logger } from '../../src/index.js';
import type { Ec2Adapter, Ec2CallOptions } from './ec2-adapter.js';
import type { Ec2Action } from './ec2-calls.js';
import { translateEc2Error } from './ec2-errors.js';
import { defaultEc2Retry, withEc2Retry, type Ec2RetryPolicy } from './ec2-retry.js';

/** What a call is for, in the operator's words, and where: the context of its error messages. */
export interface CallContext {
  /** Lower-case, e.g. `starting machine 0`. */
  readonly what: string;
  readonly zone?: string;
  readonly instanceType?: string;
  readonly signal?: AbortSignal | undefined;
}

export interface Ec2ApiParams {
  /** The calls themselves: `sdkEc2Adapter(client)` on AWS, or a stand-in. */
  readonly adapter: Ec2Adapter;
  readonly retry?: Ec2RetryPolicy | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * The ec2 provider's whole use of the EC2 API, one method per call (`ec2-calls.ts` lists
 * them for IAM), as layers around an `Ec2Adapter`: the adapter sends each attempt once,
 * and a call is retried here only when throttled or transiently failed, so that
 * `InsufficientInstanceCapacity`, an HTTP 500, is never retried in the same zone. Errors
 * leave translated into envboot's family; each attempt is logged at debug level.
 */
export class Ec2Api {
  readonly #adapter: Ec2Adapter;
  readonly #retry: Ec2RetryPolicy;
  readonly #logger: Logger | undefined;

  constructor(params: Ec2ApiParams) {
    this.#adapter = params.adapter;
    this.#retry = params.retry ?? defaultEc2Retry;
    this.#logger = params.logger;
  }

  describeAvailabilityZones(input: DescribeAvailabilityZonesCommandInput, context: CallContext) {
    return this.#call('DescribeAvailabilityZones', context, (o) => this.#adapter.describeAvailabilityZones(input, o));
  }

  describeInstanceTypes(input: DescribeInstanceTypesCommandInput, context: CallContext) {
    return this.#call('DescribeInstanceTypes', context, (o) => this.#adapter.describeInstanceTypes(input, o));
  }

  describeInstanceTypeOfferings(input: DescribeInstanceTypeOfferingsCommandInput, context: CallContext) {
    return this.#call('DescribeInstanceTypeOfferings', context, (o) => this.#adapter.describeInstanceTypeOfferings(input, o));
  }

  describeImages(input: DescribeImagesCommandInput, context: CallContext) {
    return this.#call('DescribeImages', context, (o) => this.#adapter.describeImages(input, o));
  }

  describeSubnets(input: DescribeSubnetsCommandInput, context: CallContext) {
    return this.#call('DescribeSubnets', context, (o) => this.#adapter.describeSubnets(input, o));
  }

  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput, context: CallContext) {
    return this.#call('DescribeSecurityGroups', context, (o) => this.#adapter.describeSecurityGroups(input, o));
  }

  createSecurityGroup(input: CreateSecurityGroupCommandInput, context: CallContext) {
    return this.#call('CreateSecurityGroup', context, (o) => this.#adapter.createSecurityGroup(input, o));
  }

  authorizeSecurityGroupIngress(input: AuthorizeSecurityGroupIngressCommandInput, context: CallContext) {
    return this.#call('AuthorizeSecurityGroupIngress', context, (o) => this.#adapter.authorizeSecurityGroupIngress(input, o));
  }

  revokeSecurityGroupIngress(input: RevokeSecurityGroupIngressCommandInput, context: CallContext) {
    return this.#call('RevokeSecurityGroupIngress', context, (o) => this.#adapter.revokeSecurityGroupIngress(input, o));
  }

  deleteSecurityGroup(groupId: string, context: CallContext) {
    return this.#call('DeleteSecurityGroup', context, (o) => this.#adapter.deleteSecurityGroup({ GroupId: groupId }, o));
  }

  /** Callers pass a `ClientToken`, so that retrying a call whose answer was lost never starts a second machine. */
  runInstances(input: RunInstancesCommandInput & { ClientToken: string }, context: CallContext) {
    return this.#call('RunInstances', context, (o) => this.#adapter.runInstances(input, o));
  }

  describeInstances(input: DescribeInstancesCommandInput, context: CallContext) {
    return this.#call('DescribeInstances', context, (o) => this.#adapter.describeInstances(input, o));
  }

  terminateInstances(ids: readonly string[], context: CallContext) {
    return this.#call('TerminateInstances', context, (o) => this.#adapter.terminateInstances({ InstanceIds: [...ids] }, o));
  }

  describeVolumes(input: DescribeVolumesCommandInput, context: CallContext) {
    return this.#call('DescribeVolumes', context, (o) => this.#adapter.describeVolumes(input, o));
  }

  deleteVolume(volumeId: string, context: CallContext) {
    return this.#call('DeleteVolume', context, (o) => this.#adapter.deleteVolume({ VolumeId: volumeId }, o));
  }

  /** Read only; `Latest` (the most recent output) is refused with `UnsupportedOperation` by instance types that cannot give it. */
  getConsoleOutput(input: GetConsoleOutputCommandInput, context: CallContext) {
    return this.#call('GetConsoleOutput', context, (o) => this.#adapter.getConsoleOutput(input, o));
  }

  describeInstanceAttribute(input: DescribeInstanceAttributeCommandInput, context: CallContext) {
    return this.#call('DescribeInstanceAttribute', context, (o) => this.#adapter.describeInstanceAttribute(input, o));
  }

  #call<T>(action: Ec2Action, context: CallContext, send: (options: Ec2CallOptions) => Promise<T>): Promise<T> {
    const options: Ec2CallOptions = { signal: context.signal };
    return withEc2Retry({
      attempt: () => {
        this.#logger?.debug('ec2 call', { action, what: context.what, zone: context.zone });
        return send(options);
      },
      translate: (error) => translateEc2Error(error, { ...context, action: `ec2:${action}` }),
      policy: this.#retry,
      what: context.what,
      signal: context.signal,
    });
  }
}
