import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { startFakeHttpProxy } from '../fakes/http-proxy.js';
import { startFakeSts } from '../fakes/sts-endpoint.js';
import { noProxyEnvironment } from '../providers/ec2/env-patch.js';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';

// How envboot reaches AWS in an organisation: through a proxy, as a profile, as a role.
// The rest (NO_PROXY forms, CONNECT and AWS_CA_BUNDLE, refusing proxies) is proved on the
// clients themselves in test/providers/ec2/aws-proxy.test.ts and aws-credentials.test.ts.

const aws: FakeAws = await startFakeAws();
const role = 'arn:aws:iam::123456789012:role/envboot-deployer';
const sts = await startFakeSts({ roles: [{ arn: role }] });
const proxy = await startFakeHttpProxy({ credentials: { user: 'proxy-user', password: 'pr0xy-pa55' } });
after(() => Promise.all([sts.close(), proxy.close()]));

/** A home whose environment `cloud` works as `access` (profile, assume-role), with two profiles in its own shared files. */
async function accessHome(bucket: string, access: Record<string, unknown>): Promise<{ cli: CliHome; env: Record<string, string | undefined> }> {
  const cli = await cliHome('envboot-cli-ec2-access-');
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: { ...aws.options(bucket), ...access } } } }));
  await writeFile(path.join(cli.home, 'aws-config'), '[profile alpha]\nregion = us-east-1\n\n[profile beta]\nregion = us-east-1\n');
  await writeFile(
    path.join(cli.home, 'aws-credentials'),
    '[alpha]\naws_access_key_id = AKIDALPHAPROFILE0001\naws_secret_access_key = alpha-secret\n\n[beta]\naws_access_key_id = AKIDBETAPROFILE00002\naws_secret_access_key = beta-secret\n',
  );
  const env = {
    ...sdkEnvironment(aws),
    ...noProxyEnvironment,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_CONFIG_FILE: path.join(cli.home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(cli.home, 'aws-credentials'),
  };
  return { cli, env };
}

describe('the envboot command on ec2 behind a proxy, as a profile, as a role', () => {
  it('bootstraps with every EC2, S3 and STS call through HTTP_PROXY, signed as the role the profile assumed, and says so in the plan', async (t) => {
    const { cli, env } = await accessHome('envboot-e2e-access', { profile: 'alpha', 'assume-role': { arn: role, 'session-name': 'e2e-run' } });
    const proxied = { ...env, HTTP_PROXY: proxy.url, NO_PROXY: 'example.com' };
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: proxied }));

    const plan = await cli.run(['bootstrap', 'cloud', '--dry-run'], { env: proxied });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /AWS credentials: profile "alpha" \(.*aws-config, .*aws-credentials\)/);
    assert.match(plan.stdout, new RegExp(`every AWS call is made as role ${role} \\(session e2e-run\\), assumed with those credentials, which need sts:AssumeRole on it`));
    assert.match(plan.stdout, new RegExp(`AWS calls: EC2 and S3 through the proxy http://\\*\\*\\*@127\\.0\\.0\\.1:${proxy.port} \\(from HTTP_PROXY\\)`));
    assert.doesNotMatch(plan.stdout + plan.stderr, /pr0xy-pa55|proxy-user/);

    const [ec2From, s3From, stsFrom, proxyFrom] = [aws.ec2.requests.length, aws.s3.requests.length, sts.requests.length, proxy.requests.length];
    const boot = await cli.run(['bootstrap', 'cloud', '--json'], { env: proxied });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const carried = proxy.requests.slice(proxyFrom);
    const through = (endpoint: string): number => carried.filter((r) => r.status === 200 && r.target === new URL(endpoint).host).length;
    assert.equal(through(aws.ec2.endpoint), aws.ec2.requests.length - ec2From, 'every EC2 call went through the proxy');
    assert.equal(through(aws.s3.endpoint), aws.s3.requests.length - s3From, 'every S3 call went through the proxy');
    assert.equal(through(sts.endpoint), sts.requests.length - stsFrom, 'and STS');
    assert.ok(aws.ec2.requests.length - ec2From >= 5 && aws.s3.requests.length - s3From >= 2);
    assert.equal(sts.requests.length - stsFrom, 1, 'the role is assumed once for the whole run');
    const [assumed] = sts.requests.slice(stsFrom);
    assert.ok(assumed !== undefined);
    assert.equal(assumed.callerAccessKeyId, 'AKIDALPHAPROFILE0001');
    assert.equal(assumed.sessionName, 'e2e-run');
    assert.deepEqual([...new Set(aws.ec2.requests.slice(ec2From).map((r) => r.accessKeyId))], [assumed.issuedAccessKeyId]);
    assert.doesNotMatch(boot.stdout + boot.stderr, /pr0xy-pa55|alpha-secret|fake-session-secret/);
    const controller = (finalResult(boot)['result'] as { controller: { instanceId: string } }).controller;

    const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env: proxied });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(aws.ec2.instance(controller.instanceId).state, 'terminated');
  });

  it('refuses a malformed role, a missing profile and a refused AssumeRole before anything is created, each with a message that says what to do', async () => {
    const bucket = 'envboot-e2e-refused-access';
    const ec2From = aws.ec2.count('RunInstances') + aws.ec2.count('CreateSecurityGroup');
    const malformed = await accessHome(bucket, { 'assume-role': { arn: 'arn:aws:iam::123:role/x', duration: '20h' } });
    const bad = await malformed.cli.run(['bootstrap', 'cloud'], { env: malformed.env });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /assume-role\.arn: "arn:aws:iam::123:role\/x" is not an IAM role ARN; the account id must be 12 digits/);
    assert.match(bad.stderr, /assume-role\.duration: "20h" is outside what STS allows/);

    const missing = await accessHome(bucket, { profile: 'gamma' });
    const noProfile = await missing.cli.run(['bootstrap', 'cloud'], { env: missing.env });
    assert.equal(noProfile.code, 2, noProfile.stderr);
    assert.match(noProfile.stderr, /the AWS profile "gamma" .* is not in .*aws-config or .*aws-credentials \(profiles there: alpha, beta; .*run `aws configure --profile gamma`/);

    // The same profile named by AWS_PROFILE, for a command with an environment and for one without (cleanup reads no environments.yaml).
    const chain = await accessHome(bucket, {});
    for (const args of [['bootstrap', 'cloud'], ['cleanup', '--provider', 'ec2', '--dry-run']]) {
      const fromVariable = await chain.cli.run(args, { env: { ...chain.env, AWS_PROFILE: 'gamma' } });
      assert.equal(fromVariable.code, 2, `${args.join(' ')}: ${fromVariable.stderr}`);
      assert.match(fromVariable.stderr, /the AWS profile "gamma" \(from AWS_PROFILE\) is not in .*aws-config or .*aws-credentials \(profiles there: alpha, beta; .*run `aws configure --profile gamma`.*or fix AWS_PROFILE/, args.join(' '));
      assert.doesNotMatch(fromVariable.stderr, /set AWS_PROFILE|Could not load credentials|^\s+at /m, args.join(' '));
    }

    const refused = await accessHome(bucket, { profile: 'beta', 'assume-role': 'arn:aws:iam::123456789012:role/not-trusted' });
    const denied = await refused.cli.run(['bootstrap', 'cloud'], { env: refused.env });
    assert.equal(denied.code, 3, denied.stderr);
    assert.match(denied.stderr, /assuming role arn:aws:iam::123456789012:role\/not-trusted: .*\(AccessDenied\); the credentials of profile "beta" need sts:AssumeRole on arn:aws:iam::123456789012:role\/not-trusted/);
    assert.doesNotMatch(denied.stderr, /^\s+at /m, 'no stack trace');

    assert.equal(aws.ec2.count('RunInstances') + aws.ec2.count('CreateSecurityGroup'), ec2From, 'nothing was created');
    assert.equal(aws.s3.bucketExists(bucket), false);
  });
});
