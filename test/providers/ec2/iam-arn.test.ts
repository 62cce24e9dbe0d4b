import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRoleArn, parseIamArn, roleNameOfArn } from '../../../providers/ec2/iam-arn.js';

interface Case {
  readonly text: string;
  /** `kind path name`, or undefined when it is no IAM ARN. */
  readonly parts?: string;
  readonly role: boolean;
  readonly roleName?: string;
}

const cases: readonly Case[] = [
  { text: 'arn:aws:iam::123456789012:role/envboot-deployer', parts: 'role  envboot-deployer', role: true, roleName: 'envboot-deployer' },
  { text: 'arn:aws-us-gov:iam::123456789012:role/teams/ci/runner', parts: 'role teams/ci/ runner', role: true, roleName: 'runner' },
  { text: 'arn:aws-iso-b:iam::123456789012:role/a+b=c,d.e@f_g-h', parts: 'role  a+b=c,d.e@f_g-h', role: true, roleName: 'a+b=c,d.e@f_g-h' },
  { text: `arn:aws:iam::123456789012:role/${'r'.repeat(65)}`, parts: `role  ${'r'.repeat(65)}`, role: false, roleName: 'r'.repeat(65) },
  { text: 'arn:aws:iam::123456789012:role/bad name', parts: 'role  bad name', role: false, roleName: 'bad name' },
  { text: 'arn:aws:iam::123456789012:role/', parts: 'role  ', role: false },
  { text: 'arn:aws:iam::123456789012:instance-profile/ci/runner', parts: 'instance-profile ci/ runner', role: false },
  { text: 'arn:aws:iam::12345:role/short-account', role: false },
  { text: 'arn:aws:sts::123456789012:assumed-role/deployer/session', role: false },
  { text: 'arn:gcp:iam::123456789012:role/other-cloud', role: false },
  { text: 'envboot-deployer', role: false },
];

describe('IAM ARNs, one reading for assume-role and instance-profile', () => {
  for (const c of cases) {
    it(`reads ${c.text.length > 60 ? `${c.text.slice(0, 60)}…` : c.text}`, () => {
      const arn = parseIamArn(c.text);
      assert.equal(arn === undefined ? undefined : `${arn.kind} ${arn.path} ${arn.name}`, c.parts);
      if (arn !== undefined) assert.equal(arn.account, '123456789012');
      assert.equal(isRoleArn(c.text), c.role);
      assert.equal(roleNameOfArn(c.text), c.roleName);
    });
  }
});
