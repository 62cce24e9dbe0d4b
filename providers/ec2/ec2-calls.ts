/**
 * Every EC2, S3 and IAM API call the ec2 provider makes, as IAM actions: the provider's
 * whole surface on AWS. It is the permission list docs/providers/ec2.md prints for operators, and
 * tests check that the calls made are all in it. `iam` is needed only with
 * `instance-profile`: preflight reads the profile, and RunInstances passes its role.
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
  /** Only with `instance-profile`. `PassRole` is no call: EC2 checks it, on the profile's role, when RunInstances names the profile. */
  iam: ['GetInstanceProfile', 'PassRole'],
} as const;

export type Ec2Action = (typeof ec2ProviderCalls.ec2)[number];
