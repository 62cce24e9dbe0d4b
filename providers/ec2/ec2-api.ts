import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type AuthorizeSecurityGroupIngressCommandInput,
  type CreateSecurityGroupCommandInput,
  type DescribeAvailabilityZonesCommandInput,
  type DescribeImagesCommandInput,
  type DescribeInstancesCommandInput,
  type DescribeInstanceTypeOfferingsCommandInput,
  type DescribeInstanceTypesCommandInput,
  type DescribeSecurityGroupsCommandInput,
  type DescribeSubnetsCommandInput,
  type DescribeVolumesCommandInput,
  type EC2Client,
  type GetConsoleOutputCommandInput,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import type { Logger } from 'winston';
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
  readonly client: EC2Client;
  readonly retry?: Ec2RetryPolicy;
  readonly logger?: Logger | undefined;
}

/**
 * The ec2 provider's whole use of the EC2 API, one method per call (`ec2-calls.ts` lists
 * them for IAM). Each call is sent once per attempt by the SDK (its client is built with
 * `maxAttempts: 1`) and retried here, only when throttled or transiently failed, so that
 * `InsufficientInstanceCapacity`, an HTTP 500, is never retried in the same zone. Errors
 * leave translated into envboot's family.
 */
export class Ec2Api {
  readonly #client: EC2Client;
  readonly #retry: Ec2RetryPolicy;
  readonly #logger: Logger | undefined;

  constructor(params: Ec2ApiParams) {
    this.#client = params.client;
    this.#retry = params.retry ?? defaultEc2Retry;
    this.#logger = params.logger;
  }

  describeAvailabilityZones(input: DescribeAvailabilityZonesCommandInput, context: CallContext) {
    return this.#call('DescribeAvailabilityZones', context, (o) => this.#client.send(new DescribeAvailabilityZonesCommand(input), o));
  }

  describeInstanceTypes(input: DescribeInstanceTypesCommandInput, context: CallContext) {
    return this.#call('DescribeInstanceTypes', context, (o) => this.#client.send(new DescribeInstanceTypesCommand(input), o));
  }

  describeInstanceTypeOfferings(input: DescribeInstanceTypeOfferingsCommandInput, context: CallContext) {
    return this.#call('DescribeInstanceTypeOfferings', context, (o) => this.#client.send(new DescribeInstanceTypeOfferingsCommand(input), o));
  }

  describeImages(input: DescribeImagesCommandInput, context: CallContext) {
    return this.#call('DescribeImages', context, (o) => this.#client.send(new DescribeImagesCommand(input), o));
  }

  describeSubnets(input: DescribeSubnetsCommandInput, context: CallContext) {
    return this.#call('DescribeSubnets', context, (o) => this.#client.send(new DescribeSubnetsCommand(input), o));
  }

  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput, context: CallContext) {
    return this.#call('DescribeSecurityGroups', context, (o) => this.#client.send(new DescribeSecurityGroupsCommand(input), o));
  }

  createSecurityGroup(input: CreateSecurityGroupCommandInput, context: CallContext) {
    return this.#call('CreateSecurityGroup', context, (o) => this.#client.send(new CreateSecurityGroupCommand(input), o));
  }

  authorizeSecurityGroupIngress(input: AuthorizeSecurityGroupIngressCommandInput, context: CallContext) {
    return this.#call('AuthorizeSecurityGroupIngress', context, (o) => this.#client.send(new AuthorizeSecurityGroupIngressCommand(input), o));
  }

  deleteSecurityGroup(groupId: string, context: CallContext) {
    return this.#call('DeleteSecurityGroup', context, (o) => this.#client.send(new DeleteSecurityGroupCommand({ GroupId: groupId }), o));
  }

  /** Callers pass a `ClientToken`, so that retrying a call whose answer was lost never starts a second machine. */
  runInstances(input: RunInstancesCommandInput & { ClientToken: string }, context: CallContext) {
    return this.#call('RunInstances', context, (o) => this.#client.send(new RunInstancesCommand(input), o));
  }

  describeInstances(input: DescribeInstancesCommandInput, context: CallContext) {
    return this.#call('DescribeInstances', context, (o) => this.#client.send(new DescribeInstancesCommand(input), o));
  }

  terminateInstances(ids: readonly string[], context: CallContext) {
    return this.#call('TerminateInstances', context, (o) => this.#client.send(new TerminateInstancesCommand({ InstanceIds: [...ids] }), o));
  }

  describeVolumes(input: DescribeVolumesCommandInput, context: CallContext) {
    return this.#call('DescribeVolumes', context, (o) => this.#client.send(new DescribeVolumesCommand(input), o));
  }

  deleteVolume(volumeId: string, context: CallContext) {
    return this.#call('DeleteVolume', context, (o) => this.#client.send(new DeleteVolumeCommand({ VolumeId: volumeId }), o));
  }

  /** Read only; `Latest` (the most recent output) is refused with `UnsupportedOperation` by instance types that cannot give it. */
  getConsoleOutput(input: GetConsoleOutputCommandInput, context: CallContext) {
    return this.#call('GetConsoleOutput', context, (o) => this.#client.send(new GetConsoleOutputCommand(input), o));
  }

  #call<T>(action: Ec2Action, context: CallContext, send: (options: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    const options = context.signal === undefined ? {} : { abortSignal: context.signal };
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
