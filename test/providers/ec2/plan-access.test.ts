import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsAccessNotes } from '../../../providers/ec2/plan-access.js';

const role = 'arn:aws:iam::123456789012:role/envboot-deployer';
const files = { AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/credentials' };

describe('awsAccessNotes: how a dry run says the run reaches AWS', () => {
  const cases: [string, Parameters<typeof awsAccessNotes>[0], string[]][] = [
    [
      "the SDK's chain, directly",
      { config: {}, region: 'eu-west-1', environmentName: 'prod', env: {} },
      ["AWS credentials: the SDK's default chain; calls go directly (no HTTPS_PROXY, HTTP_PROXY or ALL_PROXY set)"],
    ],
    [
      'AWS_PROFILE, a proxy and a CA bundle',
      { config: {}, region: 'eu-west-1', environmentName: 'prod', env: { AWS_PROFILE: 'ops', HTTPS_PROXY: 'http://u:p@proxy.corp:3128', AWS_CA_BUNDLE: '/etc/corp-ca.pem' } },
      [
        "AWS credentials: the SDK's default chain (AWS_PROFILE=ops)",
        'AWS calls: EC2 and S3 through the proxy http://***@proxy.corp:3128 (from HTTPS_PROXY); TLS also trusts AWS_CA_BUNDLE=/etc/corp-ca.pem',
      ],
    ],
    [
      'a profile and a role, S3 through a VPC endpoint NO_PROXY names',
      {
        config: { profile: 'ci', assumeRole: { arn: role, externalId: 'x1', durationSeconds: 7200 } },
        region: 'eu-west-1',
        environmentName: 'prod',
        env: { ...files, https_proxy: 'http://proxy.corp:3128', NO_PROXY: 's3.eu-west-1.amazonaws.com' },
      },
      [
        'AWS credentials: profile "ci" (/etc/aws/config, /etc/aws/credentials)',
        `every AWS call is made as role ${role} (session envboot-prod, with an external id, 7200s sessions), assumed with those credentials, which need sts:AssumeRole on it; the permissions above are the role's`,
        'AWS calls: EC2 through the proxy http://proxy.corp:3128 (from https_proxy); S3 directly (NO_PROXY)',
      ],
    ],
    [
      'endpoints from AWS_ENDPOINT_URL_*',
      { config: {}, region: 'us-east-1', environmentName: 'e', env: { HTTP_PROXY: 'http://proxy:80', AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9000', AWS_ENDPOINT_URL_S3: 'https://s3.example' } },
      ["AWS credentials: the SDK's default chain", 'AWS calls: EC2 through the proxy http://proxy (from HTTP_PROXY); S3 directly (no HTTPS_PROXY or ALL_PROXY)'],
    ],
  ];
  for (const [name, params, notes] of cases) {
    it(name, () => {
      assert.deepEqual(awsAccessNotes(params), notes);
    });
  }
});
