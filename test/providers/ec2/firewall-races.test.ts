import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { AuthorizeSecurityGroupIngressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { ec2ProviderCalls, ec2ServiceError, sdkEc2Adapter, type Ec2Adapter } from '../../../providers/ec2/index.js';
import { environmentTags, ErrorCode, errorCodeOf, prepareEnviron, preflightEnviron, type EnvironmentIdentity } from '../../../src/index.js';
import type { FakeEc2Request } from '../../fakes/ec2-endpoint.js';
import { firewallKit, rule, sshCidr, sshConfig, sshListed, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const { operator, preparedEnviron, environWith, rivalFirst, sent, pairsSent, groupRules } = firewallKit(aws);

const sshRule = `22/tcp ${sshCidr} envboot SSH`;
const peersRule = 'all self envboot machines';

function newEnvironment(): EnvironmentIdentity {
  return { name: `env-${randomUUID().slice(0, 8)}`, uuid: randomUUID() };
}

/**
 * The SDK's adapter, but reading a group by id answers InvalidGroup.NotFound, as EC2 does
 * for a group made a moment ago, `misses` times (every time when Infinity); `onMiss` runs
 * at each.
 */
function lagging(params: { misses: number; onMiss?: () => void }): Ec2Adapter & { readonly missed: () => number } {
  const adapter = sdkEc2Adapter(operator);
  let missed = 0;
  return {
    ...adapter,
    missed: () => missed,
    describeSecurityGroups: async (input, options) => {
      if (input.GroupIds === undefined || missed >= params.misses) return adapter.describeSecurityGroups(input, options);
      missed += 1;
      params.onMiss?.();
      throw ec2ServiceError({ code: 'InvalidGroup.NotFound', message: `The security group '${input.GroupIds.join(', ')}' does not exist` });
    },
  };
}

/** `pairs result` of each call, sorted: the one-pair calls of a fallback, in whatever order they went. */
function perPair(requests: readonly FakeEc2Request[]): string[] {
  return requests.map((r) => `${pairsSent(r).join(', ')} ${r.errorCode ?? 'ok'}`).sort();
}

describe('ec2 provider: the firewall racing other clients and EC2’s eventual consistency', () => {
  it('fails with NOT_FOUND after looking for a while when the environment has no group, opening nothing', async () => {
    const environ = aws.environ({ config: sshConfig });
    const from = aws.ec2.requests.length;
    assert.deepEqual(await environ.ingressRules({}), []);
    await environ.closePorts({ rules: [rule('tcp', 443, '0.0.0.0/0')] });
    const looking = aws.ec2.requests.length;
    await assert.rejects(environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0')] }), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.NotFound);
      assert.match(error.message, /has no security group on EC2 that envboot can find.*run the command again/);
      return true;
    });
    assert.ok(sent('DescribeSecurityGroups', looking).length > 2, 'looked again while EC2 may catch up');
    assert.equal(sent('AuthorizeSecurityGroupIngress', from).length + sent('RevokeSecurityGroupIngress', from).length, 0);
  });

  it('opens what is left, one pair at a time, when another client opened one of the sources between its read and its authorize', async () => {
    const { environ: first, groupId } = await preparedEnviron();
    const rival = (): Promise<unknown> => operator.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    const environ = environWith({ adapter: rivalFirst(rival), environment: first.environment });
    const from = aws.ec2.requests.length;
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0')] });
    const [rivals, batch, ...each] = sent('AuthorizeSecurityGroupIngress', from);
    assert.equal(rivals?.errorCode, undefined, 'the rival opened its source');
    assert.deepEqual([pairsSent(batch), batch?.errorCode], [['443/tcp 0.0.0.0/0', '443/tcp ::/0'], 'InvalidPermission.Duplicate'], 'one call for both, refused whole');
    assert.deepEqual(perPair(each), ['443/tcp 0.0.0.0/0 InvalidPermission.Duplicate', '443/tcp ::/0 ok'], 'then one per pair, the rival’s counting as done');
    assert.equal(sent('DescribeSecurityGroups', from).length, 1, 'the group is read once');
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr), rule('tcp', 443, '0.0.0.0/0', '::/0')]);
  });

  it('closes what is left outside the default VPC, one pair at a time, when another client closed one of the sources first', async () => {
    const vpcId = 'vpc-0e1d2c3b4a5968778';
    aws.ec2.addSubnet({ zone: `${aws.ec2.region}a`, vpcId });
    const environment = newEnvironment();
    // The fake cannot create a VPC: the group is seeded in one, where CreateSecurityGroup would have put it.
    const group = aws.ec2.addSecurityGroup({ name: `envboot-${environment.name}`, vpcId, tags: environmentTags(environment) });
    const setup = aws.environ({ environment, config: { ...sshConfig, vpc: vpcId } });
    assert.equal((await prepareEnviron(setup)).resources['security-group'], group.id);
    await setup.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '198.51.100.0/24')] });
    const rival = (): Promise<unknown> => operator.send(new RevokeSecurityGroupIngressCommand({
      GroupId: group.id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    const environ = environWith({ adapter: rivalFirst(rival), environment, config: { vpc: vpcId } });
    const from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '198.51.100.0/24')] });
    const [rivals, batch, ...each] = sent('RevokeSecurityGroupIngress', from);
    assert.equal(rivals?.errorCode, undefined, 'the rival closed its source');
    assert.deepEqual([pairsSent(batch), batch?.errorCode], [['443/tcp 0.0.0.0/0', '443/tcp 198.51.100.0/24'], 'InvalidPermission.NotFound'], 'one call for both, refused whole');
    assert.deepEqual(perPair(each), ['443/tcp 0.0.0.0/0 InvalidPermission.NotFound', '443/tcp 198.51.100.0/24 ok'], 'then one per pair, the rival’s counting as done');
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr)]);
    assert.deepEqual(await groupRules(group.id), [sshRule, peersRule].sort());
  });

  it('reads the group it has just made by id, while EC2 still answers InvalidGroup.NotFound for it', async () => {
    const adapter = lagging({ misses: 3 });
    const environ = environWith({ adapter, environment: newEnvironment() });
    await preflightEnviron(environ);
    const prepared = await prepareEnviron(environ);
    assert.equal(prepared.created, true);
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0')] });
    assert.equal(adapter.missed(), 3, 'read by id, again after each InvalidGroup.NotFound');
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr), rule('tcp', 443, '0.0.0.0/0')]);
    assert.deepEqual(await groupRules(prepared.resources['security-group'] ?? ''), [sshRule, peersRule, '443/tcp 0.0.0.0/0 envboot expose'].sort());
  });

  it('stops waiting for EC2 to catch up as soon as it is cancelled', { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    // Abort once the first miss has been answered, while the provider waits half a minute to read again.
    const adapter = lagging({ misses: Infinity, onMiss: () => void setImmediate(() => { controller.abort(); }) });
    const environ = environWith({ adapter, environment: newEnvironment(), timing: { consistencyRetry: { firstMs: 30_000, maxMs: 30_000, totalMs: 30_000 } } });
    await preflightEnviron(environ);
    await prepareEnviron(environ);
    const from = aws.ec2.requests.length;
    const started = performance.now();
    await assert.rejects(environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0')], signal: controller.signal }), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.Cancelled);
      return true;
    });
    assert.ok(performance.now() - started < 5_000, 'cancelled during the wait, not after it');
    assert.equal(adapter.missed(), 1, 'not read again');
    assert.equal(sent('AuthorizeSecurityGroupIngress', from).length, 0);
  });

  it('made only calls the IAM list names', () => {
    const listed: readonly string[] = ec2ProviderCalls.ec2;
    for (const action of new Set(aws.ec2.requests.map((r) => r.action))) assert.ok(listed.includes(action), `${action} is missing from ec2ProviderCalls`);
  });
});
