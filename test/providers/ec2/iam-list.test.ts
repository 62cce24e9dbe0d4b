import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ec2ProviderCalls, sdkEc2Adapter, type Ec2Adapter } from '../../../providers/ec2/index.js';
import type { IamAdapter } from '../../../providers/ec2/iam-adapter.js';
import { lazySdkIamAdapter } from '../../../providers/ec2/sdk-iam-adapter.js';

type Listed = (typeof ec2ProviderCalls.ec2)[number];
type AdapterCall = Capitalize<keyof Ec2Adapter>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time: a method of the adapter interface the list lacks, or a listed call
// without a method (CreateTags aside), makes this `false`, and the test does not build.
const interfaceIsTheList: Same<AdapterCall, Exclude<Listed, 'CreateTags'>> = true;
// Likewise for IAM: PassRole is a permission EC2 checks, never a call.
const iamInterfaceIsTheList: Same<Capitalize<keyof IamAdapter>, Exclude<(typeof ec2ProviderCalls.iam)[number], 'PassRole'>> = true;

describe("the IAM permissions the ec2 provider's page prints (docs/providers/ec2.md)", () => {
  it('are exactly the calls the ec2 provider makes', async () => {
    const page = await readFile(new URL('../../../../docs/providers/ec2.md', import.meta.url), 'utf8');
    const policy = /```json\n(\{[\s\S]*?"Version": "2012-10-17"[\s\S]*?\})\n```/.exec(page)?.[1];
    assert.ok(policy !== undefined, 'docs/providers/ec2.md has the policy');
    const statements = (JSON.parse(policy) as { Statement: { Action: string[] }[] }).Statement;
    const actions = statements.flatMap((statement) => statement.Action).sort();
    const expected = [
      ...ec2ProviderCalls.ec2.map((call) => `ec2:${call}`),
      ...ec2ProviderCalls.s3.map((call) => `s3:${call}`),
      ...ec2ProviderCalls.iam.map((call) => `iam:${call}`),
    ].sort();
    assert.deepEqual(actions, expected);
    // Only instance-profile needs IAM: its statement stands apart, to be left out without it.
    const iamStatements = statements.filter((statement) => statement.Action.some((action) => action.startsWith('iam:')));
    assert.equal(iamStatements.length, 1, 'one statement for the instance profile');
    assert.ok(iamStatements[0]?.Action.every((action) => action.startsWith('iam:')), 'with IAM actions only');
  });

  it("are the EC2 and IAM adapters' methods, one per action, and CreateTags and PassRole (which are permissions, not calls)", () => {
    const client = new EC2Client({ region: 'us-east-1' });
    try {
      const methods = (adapter: object): string[] => Object.keys(adapter).map((name) => `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`).sort();
      const expected = ec2ProviderCalls.ec2.filter((call) => call !== 'CreateTags').sort();
      assert.deepEqual(methods(sdkEc2Adapter(client)), expected);
      assert.ok(interfaceIsTheList);
      assert.deepEqual(methods(lazySdkIamAdapter(() => ({ region: 'us-east-1' }))), ec2ProviderCalls.iam.filter((call) => call !== 'PassRole'));
      assert.ok(iamInterfaceIsTheList);
    } finally {
      client.destroy();
    }
  });
});
