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
  waitSsh: { timeoutMs: 30_000, tunables: fastWait.waitSshTunables },
  goneTimeoutMs: 5_000,
});
