import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { fastWait, startFakeAws, type FakeAws } from './fixtures.js';

// EC2 and S3 are the fakes; machines are SSH hosts booted from their user-data and reached
// through the fake's jump host, as on AWS.
const aws: FakeAws = await startFakeAws();

describeProviderConformance({
  name: 'ec2',
  open: () => Promise.resolve({ environ: aws.environ() }),
  waitSsh: { timeoutMs: 30_000, tunables: fastWait.waitSshTunables },
  goneTimeoutMs: 5_000,
});
