import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { defaultEc2Config, Ec2Environ, s3StateStorage, type Ec2Config } from '../../../providers/ec2/index.js';
import { lazySdkIamAdapter } from '../../../providers/ec2/sdk-iam-adapter.js';
import { startFakeIam, type FakeIam } from '../../fakes/iam-endpoint.js';
import { fakeS3Client } from '../../storage/fixtures/open-s3-storage.js';
import { fakeEc2Api, fastTiming, sdkEnvironment, startFakeAws, type FakeAws } from './fixtures.js';

/** The fake AWS with a fake IAM beside it, whose instance profiles the fake EC2 accepts (and no others). */
export interface FakeAwsWithIam {
  readonly aws: FakeAws;
  readonly iam: FakeIam;
  /** The SDK's settings for a CLI run: `sdkEnvironment`, and AWS_ENDPOINT_URL_IAM. */
  readonly env: Record<string, string | undefined>;
  /** An environ of a new environment whose IAM reads go to the fake IAM through the SDK. */
  readonly environ: (config?: Partial<Ec2Config>) => Ec2Environ;
}

/** Started for the calling test file; stopped when its tests end. */
export async function startFakeAwsWithIam(): Promise<FakeAwsWithIam> {
  const iam = await startFakeIam();
  after(() => iam.close());
  const aws = await startFakeAws({
    instanceProfiles: (ref) => {
      const found = iam.instanceProfiles().find((profile) => (ref.name !== undefined ? profile.name === ref.name : profile.arn === ref.arn));
      return found === undefined ? undefined : { arn: found.arn, id: `AIPA${found.name.length}FAKE` };
    },
  });
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const jumpHost = { user: 'jump', host: aws.jump.hostname, port: aws.jump.port, hostKey: aws.jump.hostPublicKey, identityFile: aws.jumpKeyFile };
  return {
    aws,
    iam,
    env: { ...sdkEnvironment(aws), AWS_ENDPOINT_URL_IAM: iam.endpoint },
    environ: (config = {}) =>
      new Ec2Environ({
        environment: { name: `env-${randomUUID().slice(0, 8)}`, uuid: randomUUID() },
        config: { ...defaultEc2Config, bucket: 'envboot-test-state', region: aws.ec2.region, jumpHost, ...config },
        region: aws.ec2.region,
        api: fakeEc2Api(aws.ec2),
        stateStorage: s3StateStorage(fakeS3Client(aws.s3.endpoint)),
        timing: fastTiming,
        iam: lazySdkIamAdapter(() => ({ endpoint: iam.endpoint, region: aws.ec2.region, credentials, maxAttempts: 1 })),
      }),
  };
}
