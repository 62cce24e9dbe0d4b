import assert from 'node:assert/strict';
import { after } from 'node:test';
import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { startFakeEc2, type FakeEc2, type StartFakeEc2Options } from './ec2-endpoint.js';

/**
 * The fake EC2 endpoint and a real SDK client of it (explicit endpoint and credentials, one
 * attempt per call), both stopped when the calling test file's tests end.
 */
export async function fakeEc2WithClient(options: StartFakeEc2Options = {}): Promise<{ fake: FakeEc2; ec2: EC2Client }> {
  const fake = await startFakeEc2(options);
  const ec2 = new EC2Client({ endpoint: fake.endpoint, region: fake.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  after(async () => {
    ec2.destroy();
    await fake.close();
  });
  return { fake, ec2 };
}

/** The code, HTTP status and message of a call the fake refused; fails the test when it succeeds. */
export async function failureOf(call: Promise<unknown>): Promise<[string, number | undefined, string]> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof EC2ServiceException)) throw error;
    return [error.name, error.$metadata.httpStatusCode, error.message];
  }
  return assert.fail('expected the call to fail');
}
