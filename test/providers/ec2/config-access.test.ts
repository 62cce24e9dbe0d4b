import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateEc2Config, type Ec2Config } from '../../../providers/ec2/config.js';

const role = 'arn:aws:iam::123456789012:role/envboot-deployer';

function configOf(raw: Record<string, unknown>): Ec2Config {
  const result = validateEc2Config(raw);
  assert.ok(result.ok, JSON.stringify(result));
  return result.config;
}

function problemsOf(raw: Record<string, unknown>): readonly { path: string; message: string }[] {
  const result = validateEc2Config(raw);
  assert.ok(!result.ok, `expected problems for ${JSON.stringify(raw)}`);
  return result.problems;
}

describe('the ec2 config\'s profile and assume-role', () => {
  const accepted: [string, Record<string, unknown>, Pick<Ec2Config, 'profile' | 'assumeRole'>][] = [
    ['a profile name', { profile: 'prod-admin' }, { profile: 'prod-admin' }],
    ['a profile name with dots and @', { profile: 'team@acme.prod' }, { profile: 'team@acme.prod' }],
    ['a role ARN alone', { 'assume-role': role }, { assumeRole: { arn: role } }],
    ['a role with a path, in another partition', { 'assume-role': 'arn:aws-us-gov:iam::123456789012:role/ci/deploy/envboot' }, { assumeRole: { arn: 'arn:aws-us-gov:iam::123456789012:role/ci/deploy/envboot' } }],
    [
      'a role with everything, and a profile to assume it with',
      { profile: 'ci', 'assume-role': { arn: role, 'external-id': 'acme:ci/2024=x', 'session-name': 'ci.run@42', duration: '2h' } },
      { profile: 'ci', assumeRole: { arn: role, externalId: 'acme:ci/2024=x', sessionName: 'ci.run@42', durationSeconds: 7200 } },
    ],
    ['a duration in seconds', { 'assume-role': { arn: role, duration: 900 } }, { assumeRole: { arn: role, durationSeconds: 900 } }],
    ['the longest duration', { 'assume-role': { arn: role, duration: '12h' } }, { assumeRole: { arn: role, durationSeconds: 43_200 } }],
  ];
  for (const [name, raw, expected] of accepted) {
    it(`accepts ${name}`, () => {
      const config = configOf(raw);
      assert.deepEqual({ profile: config.profile, assumeRole: config.assumeRole }, { profile: undefined, assumeRole: undefined, ...expected });
    });
  }

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    ['an empty profile', { profile: '' }, 'profile', /must be the name of a profile in the AWS config files/],
    ['a profile that is a list', { profile: ['a'] }, 'profile', /must be the name of a profile.*got a list/],
    ['a profile with a space', { profile: 'my profile' }, 'profile', /is not a profile name: names have no spaces or brackets/],
    ['the config file\'s section header', { profile: 'profile prod' }, 'profile', /names the config file's section; the profile is "prod"/],
    ['an access key id', { profile: 'AKIAIOSFODNN7EXAMPLE' }, 'profile', /is an access key id, not a profile name; credentials never go in the config/],
    ['a secret key', { profile: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, 'profile', /looks like a secret access key \(not shown\)/],
    ['a role name without the ARN', { 'assume-role': 'deployer' }, 'assume-role', /is not an IAM role ARN; give the role's full ARN, e.g. arn:aws:iam::ACCOUNT:role\/deployer/],
    ['a user ARN', { 'assume-role': 'arn:aws:iam::123456789012:user/alice' }, 'assume-role', /that is an IAM user, not a role/],
    ['an instance profile ARN', { 'assume-role': 'arn:aws:iam::123456789012:instance-profile/ci' }, 'assume-role', /that is an IAM instance-profile, not a role/],
    ['an assumed-role session ARN', { 'assume-role': 'arn:aws:sts::123456789012:assumed-role/deployer/s' }, 'assume-role', /that is a session of a role/],
    ['an account id of 11 digits', { 'assume-role': 'arn:aws:iam::12345678901:role/x' }, 'assume-role', /the account id must be 12 digits/],
    ['a mapping without an arn', { 'assume-role': { 'external-id': 'abc' } }, 'assume-role.arn', /is missing; give the role's ARN/],
    ['an unknown key beside the arn', { 'assume-role': { arn: role, externalid: 'abc' } }, 'assume-role.externalid', /did you mean "external-id"\?/],
    ['a one-character external id', { 'assume-role': { arn: role, 'external-id': 'x' } }, 'assume-role.external-id', /must be 2 to 1224 characters/],
    ['an external id with a space', { 'assume-role': { arn: role, 'external-id': 'acme ci' } }, 'assume-role.external-id', /has characters STS does not accept \(" "\)/],
    ['an external id written as a number', { 'assume-role': { arn: role, 'external-id': 12345678 } }, 'assume-role.external-id', /is a number; quote it/],
    ['a session name with a slash', { 'assume-role': { arn: role, 'session-name': 'ci/run' } }, 'assume-role.session-name', /is not a role session name: 2 to 64 characters.*e\.g\. "ci-run"/],
    ['a session name of 65 characters', { 'assume-role': { arn: role, 'session-name': 'x'.repeat(65) } }, 'assume-role.session-name', /is not a role session name/],
    ['a duration under 15 minutes', { 'assume-role': { arn: role, duration: '10m' } }, 'assume-role.duration', /is outside what STS allows: 15m \(900\) to 12h \(43200\)/],
    ['a duration over 12 hours', { 'assume-role': { arn: role, duration: 43_201 } }, 'assume-role.duration', /is outside what STS allows/],
    ['a duration that is not one', { 'assume-role': { arn: role, duration: 'soon' } }, 'assume-role.duration', /is not a duration/],
    ['an external id at the top level', { 'external-id': 'abc' }, 'external-id', /an external id goes with its role: assume-role: \{ arn: …, external-id: … \}/],
    ['aws-profile', { 'aws-profile': 'prod' }, 'aws-profile', /did you mean "profile"\?/],
    ['role-arn', { 'role-arn': role }, 'role-arn', /did you mean "assume-role"\?/],
  ];
  for (const [name, raw, path, message] of refused) {
    it(`refuses ${name}`, () => {
      const problems = problemsOf(raw);
      assert.deepEqual(problems.map((p) => p.path), [path]);
      assert.match(problems[0]?.message ?? '', message);
      assert.doesNotMatch(problems[0]?.message ?? '', /EXAMPLEKEY/, 'a secret is never echoed');
    });
  }

  it('still refuses real secrets as keys, pointing at the profile key', () => {
    for (const key of ['aws_secret_access_key', 'access-key-id', 'session-token', 'credentials']) {
      const [problem] = problemsOf({ [key]: 'anything' });
      assert.match(problem?.message ?? '', /credentials never go in the config: use AWS_PROFILE or the profile key \(profile: NAME/);
    }
  });

  it('reports every problem of an assume-role at once', () => {
    const problems = problemsOf({ 'assume-role': { arn: 'nope:nope', 'external-id': 'x', 'session-name': '!', duration: 1 } });
    assert.deepEqual(problems.map((p) => p.path), ['assume-role.arn', 'assume-role.external-id', 'assume-role.session-name', 'assume-role.duration']);
  });
});
