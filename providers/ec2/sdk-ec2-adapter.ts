import {
  AuthorizeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Ec2Adapter, Ec2CallOptions } from './ec2-adapter.js';

/**
 * The EC2 adapter over the AWS SDK's client: each call is one `send`. Build the client
 * with `maxAttempts: 1` (`createAwsClients` does): `Ec2Api` retries what may be retried,
 * and the SDK's own retries would repeat `InsufficientInstanceCapacity`, an HTTP 500, in
 * the zone that has no capacity.
 *
 * @example
 * const api = new Ec2Api({ adapter: sdkEc2Adapter(new EC2Client({ region: 'eu-west-1', maxAttempts: 1 })) });
 */
export function sdkEc2Adapter(client: EC2Client): Ec2Adapter {
  const sent = (options: Ec2CallOptions): { abortSignal?: AbortSignal } => (options.signal === undefined ? {} : { abortSignal: options.signal });
  return {
    describeAvailabilityZones: (input, options) => client.send(new DescribeAvailabilityZonesCommand(input), sent(options)),
    describeInstanceTypes: (input, options) => client.send(new DescribeInstanceTypesCommand(input), sent(options)),
    describeInstanceTypeOfferings: (input, options) => client.send(new DescribeInstanceTypeOfferingsCommand(input), sent(options)),
    describeImages: (input, options) => client.send(new DescribeImagesCommand(input), sent(options)),
    describeSubnets: (input, options) => client.send(new DescribeSubnetsCommand(input), sent(options)),
    describeSecurityGroups: (input, options) => client.send(new DescribeSecurityGroupsCommand(input), sent(options)),
    createSecurityGroup: (input, options) => client.send(new CreateSecurityGroupCommand(input), sent(options)),
    authorizeSecurityGroupIngress: (input, options) => client.send(new AuthorizeSecurityGroupIngressCommand(input), sent(options)),
    revokeSecurityGroupIngress: (input, options) => client.send(new RevokeSecurityGroupIngressCommand(input), sent(options)),
    deleteSecurityGroup: (input, options) => client.send(new DeleteSecurityGroupCommand(input), sent(options)),
    runInstances: (input, options) => client.send(new RunInstancesCommand(input), sent(options)),
    describeInstances: (input, options) => client.send(new DescribeInstancesCommand(input), sent(options)),
    terminateInstances: (input, options) => client.send(new TerminateInstancesCommand(input), sent(options)),
    describeVolumes: (input, options) => client.send(new DescribeVolumesCommand(input), sent(options)),
    deleteVolume: (input, options) => client.send(new DeleteVolumeCommand(input), sent(options)),
    getConsoleOutput: (input, options) => client.send(new GetConsoleOutputCommand(input), sent(options)),
    describeInstanceAttribute: (input, options) => client.send(new DescribeInstanceAttributeCommand(input), sent(options)),
  };
}
