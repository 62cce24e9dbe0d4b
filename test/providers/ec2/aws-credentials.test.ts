import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAwsClients, Ec2Api, s3StateStorage, sdkEc2Adapter, type AwsClients, type CreateAwsClientsParams } from '../../../providers/ec2/index.js';
import { missingSdk } from '../../../providers/ec2/missing-sdk.js';
import { ErrorCode } from '../../../src/index.js';
import { startFakeEc2, type FakeEc2 } from '../../fakes/ec2-endpoint.js';
import { startFakeHttpProxy, type FakeHttpProxy } from '../../fakes/http-proxy.js';
import { startFakeS3, type FakeS3 } from '../../fakes/s3-endpoint.js';
import { startFakeSts, type FakeSts } from '../../fakes/sts-endpoint.js';
import { rejectsWithCode } from '../../helpers/rejects-with-code.js';
import { noProxyEnvironment, withEnv } from './env-patch.js';
import { fastRetry } from './fixtures.js';

const deployer = 'arn:aws:iam::123456789012:role/envboot-deployer';
const partner = 'arn:aws:iam::210987654321:role/partner/envboot';

let ec2: FakeEc2;
let s3: FakeS3;
let sts: FakeSts;
let proxy: FakeHttpProxy;
let dir: string;

before(async () => {
  [ec2, s3, proxy, dir] = await Promise.all([startFakeEc2(), startFakeS3(), startFakeHttpProxy(), mkdtemp(path.join(tmpdir(), 'envboot-aws-profiles-'))]);
  sts = await startFakeSts({ roles: [{ arn: deployer }, { arn: partner, externalId: 'acme-ci-2024', maxSessionSeconds: 7200 }] });
  // Two profiles with different keys; beta has a region of its own. Never the real ~/.aws.
  // `session` holds a session's temporary keys, as an SSO login or a role leaves them.
  await writeFile(path.join(dir, 'config'), '[default]\nregion = us-east-1\n\n[profile alpha]\nregion = us-east-1\n\n[profile beta]\nregion = eu-west-1\n\n[profile session]\nregion = us-east-1\n');
  await writeFile(
    path.join(dir, 'credentials'),
    '[alpha]\naws_access_key_id = AKIDALPHAPROFILE0001\naws_secret_access_key = alpha-secret\n\n[beta]\naws_access_key_id = AKIDBETAPROFILE00002\naws_secret_access_key = beta-secret\n\n' +
      '[session]\naws_access_key_id = ASIASESSIONPROFILE01\naws_secret_access_key = session-secret\naws_session_token = session-token\n',
  );
});
after(async () => {
  await Promise.all([ec2.close(), s3.close(), sts.close(), proxy.close(), rm(dir, { recursive: true, force: true })]);
});

/** The fakes' endpoints, the temporary shared files, and keys in the environment that a profile must win over. */
function environment(vars: Readonly<Record<string, string | undefined>> = {}): Record<string, string | undefined> {
  return {
    ...noProxyEnvironment,
    AWS_ENDPOINT_URL_EC2: ec2.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_CONFIG_FILE: path.join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
    AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT1',
    AWS_SECRET_ACCESS_KEY: 'environment-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    ...vars,
  };
}

async function withClients<T>(params: CreateAwsClientsParams, body: (clients: AwsClients) => Promise<T>, vars: Readonly<Record<string, string | undefined>> = {}): Promise<T> {
  return withEnv(environment(vars), async () => {
    const clients = await createAwsClients(params);
    try {
      return await body(clients);
    } finally {
      clients.ec2.destroy();
      clients.s3.destroy();
    }
  });
}

function zonesCall(clients: AwsClients): Promise<unknown> {
  return new Ec2Api({ adapter: sdkEc2Adapter(clients.ec2), retry: fastRetry }).describeAvailabilityZones({}, { what: 'listing zones' });
}

/** The access key ids EC2 saw since `from`. */
function keysSince(from: number): string[] {
  return [...new Set(ec2.requests.slice(from).map((r) => r.accessKeyId ?? '(unsigned)'))];
}

describe('the AWS clients with a profile', () => {
  for (const [profile, key] of [['alpha', 'AKIDALPHAPROFILE0001'], ['beta', 'AKIDBETAPROFILE00002']] as const) {
    it(`sign with profile ${profile}'s keys, over the keys in the environment`, async () => {
      const from = ec2.requests.length;
      await withClients({ region: ec2.region, profile }, zonesCall);
      assert.deepEqual(keysSince(from), [key]);
    });
  }

  it("take the profile's region when the config names none", async () => {
    assert.equal(await withClients({ profile: 'beta' }, (clients) => Promise.resolve(clients.region)), 'eu-west-1');
    assert.equal(await withClients({ profile: 'beta', region: 'ap-south-1' }, (clients) => Promise.resolve(clients.region)), 'ap-south-1', 'a configured region wins');
  });

  it('refuse a profile that is not in the shared files as bad input, naming the files, the profiles there and how to make it', async () => {
    const from = ec2.requests.length;
    const error = await withEnv(environment(), () => rejectsWithCode(createAwsClients({ region: ec2.region, profile: 'gamma' }), ErrorCode.ConfigInvalid));
    const message = (error as Error).message;
    assert.ok(message.includes(`the AWS profile "gamma" (the environment's profile option) is not in ${path.join(dir, 'config')} or ${path.join(dir, 'credentials')}`), message);
    assert.match(message, /profiles there: alpha, beta, default/);
    assert.match(message, /run `aws configure --profile gamma`/);
    assert.doesNotMatch(message, /set AWS_PROFILE/);
    assert.equal(ec2.requests.length, from);
  });

  it('refuse a profile AWS_PROFILE names that is not in the shared files, as the AWS CLI does, saying where it was named', async () => {
    const from = ec2.requests.length;
    const error = await withEnv(environment({ AWS_PROFILE: 'gama' }), () => rejectsWithCode(createAwsClients({ region: ec2.region }), ErrorCode.ConfigInvalid));
    const message = (error as Error).message;
    assert.ok(message.includes(`the AWS profile "gama" (from AWS_PROFILE) is not in ${path.join(dir, 'config')} or ${path.join(dir, 'credentials')}`), message);
    assert.match(message, /profiles there: alpha, beta, default, session/);
    assert.match(message, /run `aws configure --profile gama`/);
    assert.match(message, /or fix AWS_PROFILE \(unset it to use the default credentials\)/);
    assert.doesNotMatch(message, /set AWS_PROFILE/);
    assert.equal(ec2.requests.length, from, 'nothing was asked of AWS');
  });

  it('use the profile AWS_PROFILE names when it exists, and the option over it', async () => {
    const from = ec2.requests.length;
    await withClients({ region: ec2.region }, zonesCall, { AWS_PROFILE: 'beta', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    assert.deepEqual(keysSince(from), ['AKIDBETAPROFILE00002']);
    const next = ec2.requests.length;
    // A misspelt AWS_PROFILE is no matter when the environment names its own profile.
    await withClients({ region: ec2.region, profile: 'alpha' }, zonesCall, { AWS_PROFILE: 'gama' });
    assert.deepEqual(keysSince(next), ['AKIDALPHAPROFILE0001']);
  });
});

describe('the AWS clients with assume-role', () => {
  it("assume the role once with the profile's keys, and sign every EC2 call with the session's", async () => {
    const [stsFrom, ec2From] = [sts.requests.length, ec2.requests.length];
    await withClients({ region: ec2.region, profile: 'alpha', assumeRole: { arn: deployer }, environmentName: 'cloud' }, async (clients) => {
      await zonesCall(clients);
      await s3StateStorage(clients.s3)({ bucket: 'assumed-role-state', prefix: '', createBucket: true }).put({ key: 'probe', body: 'x' });
      await zonesCall(clients);
    });
    const assumed = sts.requests.slice(stsFrom);
    assert.equal(assumed.length, 1, 'one AssumeRole serves EC2 and S3');
    const [request] = assumed;
    assert.ok(request !== undefined);
    assert.equal(request.roleArn, deployer);
    assert.equal(request.callerAccessKeyId, 'AKIDALPHAPROFILE0001');
    assert.equal(request.sessionName, 'envboot-cloud');
    assert.deepEqual(keysSince(ec2From), [request.issuedAccessKeyId]);
  });

  it("assume it with the default chain's credentials when no profile is given, and pass the external id, session name and duration", async () => {
    const [stsFrom, ec2From] = [sts.requests.length, ec2.requests.length];
    const assumeRole = { arn: partner, externalId: 'acme-ci-2024', sessionName: 'ci-run-42', durationSeconds: 7200 };
    await withClients({ region: ec2.region, assumeRole }, zonesCall);
    const [request] = sts.requests.slice(stsFrom);
    assert.deepEqual(
      { caller: request?.callerAccessKeyId, externalId: request?.externalId, sessionName: request?.sessionName, durationSeconds: request?.durationSeconds },
      { caller: 'AKIDFROMENVIRONMENT1', externalId: 'acme-ci-2024', sessionName: 'ci-run-42', durationSeconds: 7200 },
    );
    assert.deepEqual(keysSince(ec2From), [request?.issuedAccessKeyId]);
  });

  it('reach STS through the proxy too', async () => {
    const from = proxy.requests.length;
    await withClients({ region: ec2.region, profile: 'beta', assumeRole: { arn: deployer } }, zonesCall, { HTTP_PROXY: proxy.url });
    const targets = proxy.requests.slice(from).map((r) => r.target);
    assert.ok(targets.includes(new URL(sts.endpoint).host), targets.join(', '));
    assert.ok(targets.includes(new URL(ec2.endpoint).host), targets.join(', '));
  });

  it('fail with a credentials error naming the role and what the caller needs when STS refuses, before any EC2 call', async () => {
    const from = ec2.requests.length;
    sts.refuseAll = true;
    try {
      const error = await withClients({ region: ec2.region, profile: 'alpha', assumeRole: { arn: deployer } }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.CredentialsInvalid));
      const message = (error as Error).message;
      assert.match(message, new RegExp(`^assuming role ${deployer}: User: .* is not authorized to perform: sts:AssumeRole on resource: ${deployer} \\(AccessDenied\\); the credentials of profile "alpha" need sts:AssumeRole on ${deployer}, and the role's trust policy must allow them$`));
    } finally {
      sts.refuseAll = false;
    }
    const wrongId = await withClients({ region: ec2.region, assumeRole: { arn: partner, externalId: 'not-the-one' } }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.CredentialsInvalid));
    assert.match((wrongId as Error).message, /the role's trust policy must allow them and this external-id$/);
    assert.equal(ec2.requests.length, from, 'EC2 was never called');
  });

  it("refuse a duration above the role's maximum as bad input", async () => {
    const error = await withClients({ region: ec2.region, assumeRole: { arn: deployer, durationSeconds: 7200 } }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ConfigInvalid));
    assert.match((error as Error).message, /DurationSeconds exceeds the MaxSessionDuration.*lower assume-role\.duration to at most the role's maximum session duration/);
  });

  it('say that a session assuming a role is chaining, which STS caps at 1h whatever the role allows', async () => {
    const error = await withClients(
      { region: ec2.region, profile: 'session', assumeRole: { arn: partner, externalId: 'acme-ci-2024', durationSeconds: 7200 } },
      (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ConfigInvalid),
    );
    assert.match((error as Error).message, /role chaining.*profile "session" gives a role's or an SSO session's, and STS allows such a chained session at most 1h whatever the role's maximum: set assume-role\.duration to 1h or less, or remove it$/);
    assert.doesNotMatch((error as Error).message, /MaxSessionDuration|get-role/, 'raising the role\'s maximum would not help');
    await withClients({ region: ec2.region, profile: 'session', assumeRole: { arn: partner, externalId: 'acme-ci-2024', durationSeconds: 3600 } }, zonesCall);
  });
});

describe('the profile and assume-role options without @aws-sdk/credential-providers', () => {
  it('say which package the option needs and how to install it alone, as bad input', () => {
    const notFound = Object.assign(new Error("Cannot find package '@aws-sdk/credential-providers' imported from /opt/envboot/dist/providers/ec2/aws-credentials.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = missingSdk(notFound);
    assert.ok(error !== undefined);
    assert.equal(error.code, ErrorCode.ConfigInvalid);
    assert.match(error.message, /^the ec2 provider's profile \(or assume-role\) option needs @aws-sdk\/credential-providers, and @aws-sdk\/credential-providers is not installed: run `npm install @aws-sdk\/credential-providers@3`/);
  });
});
