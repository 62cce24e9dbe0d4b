import { ec2Descriptor } from '../../../providers/ec2/index.js';
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { fastWait, startFakeAws, type FakeAws } from './fixtures.js';

// EC2 and S3 are the fakes; machines are SSH hosts booted from their user-data and reached
// through the fake's jump host, as on AWS.
const aws: FakeAws = await startFakeAws();

describeProviderConformance({
  name: 'ec2',
  open: () => {
    const environ = aws.environ();
    return Promise.resolve({ environ, reopen: () => Promise.resolve(aws.environ({ environment: environ.environment })) });
  },
  census: aws.census,
  provider: ec2Descriptor,
  invalidConfigs: [{ config: { bucket: 'Not_A_Bucket', 'ssh-cidr': '10.0.0.1/8' }, paths: ['bucket', 'ssh-cidr'] }],
  // A full zone is EC2's InsufficientInstanceCapacity in that zone, for the whole fake account.
  refuseZone: (_environ, zone) => {
    aws.ec2.faults.capacity = [zone];
    return Promise.resolve(() => {
      aws.ec2.faults.capacity = [];
      return Promise.resolve();
    });
  },
  waitSsh: { timeoutMs: 30_000, tunables: fastWait.waitSshTunables },
  goneTimeoutMs: 5_000,
});
