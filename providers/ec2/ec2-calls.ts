/**
 * Every EC2 and S3 API call the ec2 provider makes, as IAM actions: the provider's whole
 * surface on AWS. It is the permission list the README prints for operators, and tests
 * check that the calls made are all in it.
 */
export const ec2ProviderCalls = {
  ec2: [
    'DescribeAvailabilityZones',
    'DescribeInstanceTypes',
    'DescribeInstanceTypeOfferings',
    'DescribeImages',
    'DescribeSubnets',
    'DescribeSecurityGroups',
    'CreateSecurityGroup',
    'AuthorizeSecurityGroupIngress',
    'RevokeSecurityGroupIngress',
    'DeleteSecurityGroup',
    'RunInstances',
    'CreateTags',
    'DescribeInstances',
    'TerminateInstances',
    'DescribeVolumes',
    'DeleteVolume',
    'GetConsoleOutput',
    'DescribeInstanceAttribute',
  ],
  s3: ['ListBucket', 'GetObject', 'PutObject', 'DeleteObject', 'CreateBucket', 'DeleteBucket'],
} as const;

export type Ec2Action = (typeof ec2ProviderCalls.ec2)[number];
