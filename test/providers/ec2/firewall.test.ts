import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import {
  defaultEc2Config, Ec2Api, Ec2Environ, ec2ProviderCalls, s3StateStorage, sdkEc2Adapter, type Ec2Adapter, type Ec2Config,
} from '../../../providers/ec2/index.js';
import {
  environmentTags, ErrorCode, errorCodeOf, isQuotaExceeded, prepareEnviron, preflightEnviron, tearDownEnviron, type IngressRule,
} from '../../../src/index.js';
import type { FakeEc2Request } from '../../fakes/ec2-endpoint.js';
import { fakeS3Client } from '../../storage/fixtures/open-s3-storage.js';
import { fakeEc2Client, fastRetry, fastTiming, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
/** A second EC2 client: the operator at the AWS console, or another envboot, acting on the same group. */
const operator = fakeEc2Client(aws.ec2);
after(() => {
  operator.destroy();
});

const sshCidr = '192.0.2.0/24';
const sshConfig: Partial<Ec2Config> = { sshCidrs: [sshCidr], sshCidrOpenToAll: false };

function rule(protocol: 'tcp' | 'udp', port: number, ...sourceCidrs: string[]): IngressRule {
  return { protocol, fromPort: port, toPort: port, sourceCidrs };
}

/** A new environment with its security group made, as bootstrap leaves it before starting machines. */
async function preparedEnviron(config: Partial<Ec2Config> = {}): Promise<{ environ: Ec2Environ; groupId: string }> {
  const environ = aws.environ({ config: { ...sshConfig, ...config } });
  await preflightEnviron(environ);
  const prepared = await prepareEnviron(environ);
  const groupId = prepared.resources['security-group'];
  assert.ok(groupId !== undefined);
  return { environ, groupId };
}

/** Another environ of the same environment whose EC2 calls go through `adapter`: a second envboot process. */
function secondEnviron(first: Ec2Environ, adapter: Ec2Adapter, config: Partial<Ec2Config> = {}): Ec2Environ {
  return new Ec2Environ({
    environment: first.environment,
    config: { ...defaultEc2Config, bucket: 'envboot-test-state', region: aws.ec2.region, ...sshConfig, ...config },
    region: aws.ec2.region,
    api: new Ec2Api({ adapter, retry: fastRetry }),
    stateStorage: s3StateStorage(fakeS3Client(aws.s3.endpoint)),
    timing: fastTiming,
  });
}

/** The SDK's adapter, with `rival` run once, to completion, just before the first authorize or revoke goes out. */
function rivalFirst(rival: () => Promise<unknown>): Ec2Adapter {
  const adapter = sdkEc2Adapter(operator);
  let pending: (() => Promise<unknown>) | undefined = rival;
  const runRival = async (): Promise<void> => {
    const now = pending;
    pending = undefined;
    await now?.();
  };
  return {
    ...adapter,
    authorizeSecurityGroupIngress: async (input, options) => (await runRival(), adapter.authorizeSecurityGroupIngress(input, options)),
    revokeSecurityGroupIngress: async (input, options) => (await runRival(), adapter.revokeSecurityGroupIngress(input, options)),
  };
}

/** The logged requests for `action` since `from`. */
function sent(action: string, from: number): FakeEc2Request[] {
  return aws.ec2.requests.slice(from).filter((r) => r.action === action);
}

/** The `port/protocol source` pairs a logged Authorize or Revoke named, sorted. */
function pairsSent(request: FakeEc2Request | undefined): string[] {
  const params = request?.params ?? {};
  return Object.entries(params)
    .flatMap(([key, cidr]) => {
      const n = /^IpPermissions\.(\d+)\.Ipv?6?Ranges\.\d+\.CidrIpv?6?$/.exec(key)?.[1];
      if (n === undefined) return [];
      const [from, to] = [params[`IpPermissions.${n}.FromPort`], params[`IpPermissions.${n}.ToPort`]];
      return [`${from ?? '?'}${to === from ? '' : `-${to ?? '?'}`}/${params[`IpPermissions.${n}.IpProtocol`] ?? '?'} ${cidr}`];
    })
    .sort();
}

/** The group's CIDR rules as DescribeSecurityGroups gives them to any SDK client: `port/protocol source description`, sorted. */
async function groupRules(groupId: string): Promise<string[]> {
  const answer = await operator.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return (answer.SecurityGroups?.[0]?.IpPermissions ?? [])
    .flatMap((p) => {
      const ports = `${p.FromPort ?? '*'}/${p.IpProtocol ?? '?'}`;
      const v4 = (p.IpRanges ?? []).map((r) => `${ports} ${r.CidrIp ?? '?'} ${r.Description ?? '-'}`);
      return [...v4, ...(p.Ipv6Ranges ?? []).map((r) => `${ports} ${r.CidrIpv6 ?? '?'} ${r.Description ?? '-'}`)];
    })
    .sort();
}

const sshRule = `22/tcp ${sshCidr} envboot SSH`;

describe('ec2 provider: the firewall ability against the fake EC2 endpoint', () => {
  it('has no rules before prepare, and refuses to open ports until the environment is bootstrapped', async () => {
    const environ = aws.environ({ config: sshConfig });
    const from = aws.ec2.requests.length;
    assert.deepEqual(await environ.ingressRules({}), []);
    await assert.rejects(environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0')] }), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.ConfigInvalid);
      assert.match(error.message, /has no security group on EC2.*bootstrap it first/);
      return true;
    });
    assert.equal(sent('AuthorizeSecurityGroupIngress', from).length, 0);
  });

  it('lists what it opened, merged and sorted, never its own SSH, and labels it in EC2', async () => {
    const { environ, groupId } = await preparedEnviron();
    assert.deepEqual(await environ.ingressRules({}), [], 'SSH from ssh-cidr is envboot’s own, not listed');
    await environ.openPorts({ rules: [rule('udp', 53, '203.0.113.0/24'), rule('tcp', 443, '::/0'), rule('tcp', 443, '0.0.0.0/0')] });
    assert.deepEqual(await environ.ingressRules({}), [rule('tcp', 443, '0.0.0.0/0', '::/0'), rule('udp', 53, '203.0.113.0/24')]);
    assert.deepEqual(await groupRules(groupId), [
      sshRule, '443/tcp 0.0.0.0/0 envboot expose', '443/tcp ::/0 envboot expose', '53/udp 203.0.113.0/24 envboot expose',
    ].sort());
  });

  it('asks EC2 only for what is missing when opening again', async () => {
    const { environ } = await preparedEnviron();
    const web = rule('tcp', 443, '0.0.0.0/0', '::/0');
    await environ.openPorts({ rules: [web] });
    const again = aws.ec2.requests.length;
    await environ.openPorts({ rules: [web] });
    assert.equal(sent('AuthorizeSecurityGroupIngress', again).length, 0, 'nothing missing: no AuthorizeSecurityGroupIngress');
    const superset = aws.ec2.requests.length;
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0', '198.51.100.0/24'), rule('udp', 53, '0.0.0.0/0')] });
    const authorized = sent('AuthorizeSecurityGroupIngress', superset);
    assert.equal(authorized.length, 1);
    assert.deepEqual(pairsSent(authorized[0]), ['443/tcp 198.51.100.0/24', '53/udp 0.0.0.0/0']);
  });

  it('closes exactly the named sources, asks nothing when none is open, and never closes envboot’s SSH', async () => {
    const { environ, groupId } = await preparedEnviron();
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0'), rule('tcp', 22, '198.18.0.0/15')] });
    let from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 443, '::/0')] });
    assert.deepEqual(pairsSent(sent('RevokeSecurityGroupIngress', from)[0]), ['443/tcp ::/0']);
    assert.deepEqual(await environ.ingressRules({}), [rule('tcp', 22, '198.18.0.0/15'), rule('tcp', 443, '0.0.0.0/0')]);

    from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 443, '::/0'), rule('udp', 53, '0.0.0.0/0')] });
    assert.equal(sent('RevokeSecurityGroupIngress', from).length, 0, 'nothing of it open: no RevokeSecurityGroupIngress');

    from = aws.ec2.requests.length;
    await assert.rejects(environ.closePorts({ rules: [rule('tcp', 22, sshCidr, '198.18.0.0/15')] }), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.ConfigInvalid);
      assert.match(error.message, new RegExp(`22/tcp from ${sshCidr.replace(/\./g, '\\.')}.*ssh-cidr.*nothing was closed`));
      return true;
    });
    assert.equal(sent('RevokeSecurityGroupIngress', from).length, 0);
    assert.ok((await groupRules(groupId)).includes(sshRule), 'SSH from ssh-cidr stays');
    assert.deepEqual(await environ.ingressRules({}), [rule('tcp', 22, '198.18.0.0/15'), rule('tcp', 443, '0.0.0.0/0')], 'the refused call closed nothing');

    await environ.closePorts({ rules: [rule('tcp', 22, '198.18.0.0/15')] });
    assert.deepEqual(await groupRules(groupId), [sshRule, '443/tcp 0.0.0.0/0 envboot expose']);
  });

  it('lists and closes a rule opened by hand in the AWS console', async () => {
    const { environ, groupId } = await preparedEnviron();
    await operator.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }],
    }));
    assert.deepEqual(await environ.ingressRules({}), [rule('tcp', 8080, '198.51.100.0/24')]);
    await environ.closePorts({ rules: [rule('tcp', 8080, '198.51.100.0/24')] });
    assert.deepEqual(await environ.ingressRules({}), []);
    assert.deepEqual(await groupRules(groupId), [sshRule]);
  });

  it('opens what is left when another client opened one of the sources between its read and its authorize', async () => {
    const { environ: first, groupId } = await preparedEnviron();
    const rival = (): Promise<unknown> => operator.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    const environ = secondEnviron(first, rivalFirst(rival));
    const from = aws.ec2.requests.length;
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0')] });
    const authorized = sent('AuthorizeSecurityGroupIngress', from);
    assert.deepEqual(authorized.map((r) => r.errorCode ?? 'ok'), ['ok', 'InvalidPermission.Duplicate', 'ok'], 'the rival, the raced call, the retry');
    assert.deepEqual(pairsSent(authorized[2]), ['443/tcp ::/0'], 'the retry asks only for what is still missing');
    assert.deepEqual(await environ.ingressRules({}), [rule('tcp', 443, '0.0.0.0/0', '::/0')]);
  });

  it('closes what is left outside the default VPC when another client closed one of the sources first', async () => {
    const vpcId = 'vpc-0e1d2c3b4a5968778';
    aws.ec2.addSubnet({ zone: `${aws.ec2.region}a`, vpcId });
    const environment = { name: `vpc-${randomUUID().slice(0, 8)}`, uuid: randomUUID() };
    // The fake cannot create a VPC: the group is seeded in one, where CreateSecurityGroup would have put it.
    const group = aws.ec2.addSecurityGroup({ name: `envboot-${environment.name}`, vpcId, tags: environmentTags(environment) });
    const setup = aws.environ({ environment, config: { ...sshConfig, vpc: vpcId } });
    assert.equal((await prepareEnviron(setup)).resources['security-group'], group.id);
    await setup.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '198.51.100.0/24')] });
    const rival = (): Promise<unknown> => operator.send(new RevokeSecurityGroupIngressCommand({
      GroupId: group.id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    const environ = secondEnviron(setup, rivalFirst(rival), { vpc: vpcId });
    const from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '198.51.100.0/24')] });
    const revoked = sent('RevokeSecurityGroupIngress', from);
    assert.deepEqual(revoked.map((r) => r.errorCode ?? 'ok'), ['ok', 'InvalidPermission.NotFound', 'ok'], 'the rival, the raced call, the retry');
    assert.deepEqual(pairsSent(revoked[2]), ['443/tcp 198.51.100.0/24']);
    assert.deepEqual(await environ.ingressRules({}), []);
    assert.deepEqual(await groupRules(group.id), [sshRule]);
  });

  it('reports the rules-per-group limit as QUOTA_EXCEEDED, saying what to do, and opens none of the call', async () => {
    const { environ, groupId } = await preparedEnviron();
    const sources = (first: number, count: number): string[] => Array.from({ length: count }, (_, n) => `198.18.${first + n}.0/24`);
    await environ.openPorts({ rules: [rule('tcp', 443, ...sources(0, 59))] }); // with SSH: 60 IPv4 rules, the limit
    await assert.rejects(environ.openPorts({ rules: [rule('tcp', 443, ...sources(59, 2))] }), (error: Error) => {
      assert.ok(isQuotaExceeded(error), `QUOTA_EXCEEDED in the cause chain; got ${errorCodeOf(error) ?? 'no code'}`);
      assert.match(error.message, /RulesPerSecurityGroupLimitExceeded/);
      assert.match(error.message, /expose to fewer sources \(`envboot unexpose`\).*Service Quotas/);
      return true;
    });
    assert.equal((await groupRules(groupId)).length, 60);
    assert.equal((await environ.ingressRules({}))[0]?.sourceCidrs.length, 59);
  });

  it('tears down the security group with exposed rules in it', async () => {
    const { environ, groupId } = await preparedEnviron();
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0'), rule('udp', 53, '203.0.113.0/24')] });
    const result = await tearDownEnviron(environ);
    assert.deepEqual(result.failures, []);
    assert.equal(aws.ec2.securityGroups().some((g) => g.id === groupId), false);
    assert.deepEqual(await environ.ingressRules({}), []);
  });

  it('made only calls the IAM list names', () => {
    const listed: readonly string[] = ec2ProviderCalls.ec2;
    assert.ok(aws.ec2.count('RevokeSecurityGroupIngress') > 0);
    for (const action of new Set(aws.ec2.requests.map((r) => r.action))) assert.ok(listed.includes(action), `${action} is missing from ec2ProviderCalls`);
  });
});
