import type { GetInstanceProfileCommandInput, GetInstanceProfileCommandOutput } from '@aws-sdk/client-iam';
import type { Ec2Answer, Ec2CallOptions } from './ec2-adapter.js';

/**
 * The IAM API as the ec2 provider uses it, read only: one method per IAM action
 * (`ec2ProviderCalls.iam`, `PassRole` aside, which is a permission EC2 checks, not a call).
 * Only an environment with `instance-profile` calls it. Requests and answers are the AWS
 * SDK's data types (types only); a failure rejects as the SDK does, an Error named after
 * IAM's code (`NoSuchEntity`, `AccessDenied`, …). `lazySdkIamAdapter` is the AWS SDK's;
 * tests and in-memory runs give their own in `Ec2Services.iam`.
 *
 * @example
 * const iam: IamAdapter = { getInstanceProfile: async () => ({ InstanceProfile: { InstanceProfileName: 'ci', Arn: 'arn:aws:iam::123456789012:instance-profile/ci', Path: '/', InstanceProfileId: 'AIPA…', CreateDate: new Date(), Roles: [] } }) };
 */
export interface IamAdapter {
  getInstanceProfile(input: GetInstanceProfileCommandInput, options: Ec2CallOptions): Promise<Ec2Answer<GetInstanceProfileCommandOutput>>;
}
