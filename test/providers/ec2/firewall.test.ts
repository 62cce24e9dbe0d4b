import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { ec2ProviderCalls, sdkEc2Adapter } from '../../../providers/ec2/index.js';
import { ErrorCode, errorCodeOf, isQuotaExceeded, prepareEnviron, tearDownEnviron } from '../../../src/index.js';
import { allFrom, firewallKit, rule, sshCidr, sshListed, startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();
const { operator, preparedEnviron, environWith, sent, pairsSent, groupRules } = firewallKit(aws);

const sshRule = `22/tcp ${sshCidr} envboot SSH`;
/** The rule that lets the environment's machines reach each other: never listed, never touched. */
const peersRule = 'all self envboot machines';

describe('ec2 provider: the firewall ability against the fake EC2 endpoint', () => {
  it('lists envboot’s SSH as reserved after prepare, and asks EC2 nothing to open it again', async () => {
    const { environ, groupId } = await preparedEnviron();
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr)]);
    let from = aws.ec2.requests.length;
    await environ.openPorts({ rules: [rule('tcp', 22, sshCidr)] });
    assert.equal(sent('AuthorizeSecurityGroupIngress', from).length, 0, 'open already, as SSH: no AuthorizeSecurityGroupIngress');
    from = aws.ec2.requests.length;
    await environ.openPorts({ rules: [rule('tcp', 22, sshCidr, '198.18.0.0/15')] });
    const authorized = sent('AuthorizeSecurityGroupIngress', from);
    assert.deepEqual(authorized.map(pairsSent), [['22/tcp 198.18.0.0/15']], 'only the source SSH does not open');
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr), rule('tcp', 22, '198.18.0.0/15')]);
    assert.deepEqual(await groupRules(groupId), [sshRule, peersRule, '22/tcp 198.18.0.0/15 envboot expose'].sort());
  });

  it('lists what it opened, merged and sorted, after its own SSH, and labels it in EC2', async () => {
    const { environ, groupId } = await preparedEnviron();
    await environ.openPorts({ rules: [rule('udp', 53, '203.0.113.0/24'), rule('tcp', 443, '::/0'), rule('tcp', 443, '0.0.0.0/0')] });
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr), rule('tcp', 443, '0.0.0.0/0', '::/0'), rule('udp', 53, '203.0.113.0/24')]);
    assert.deepEqual(await groupRules(groupId), [
      sshRule, peersRule, '443/tcp 0.0.0.0/0 envboot expose', '443/tcp ::/0 envboot expose', '53/udp 203.0.113.0/24 envboot expose',
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
    assert.equal(authorized.length, 1, 'one call for everything missing');
    assert.deepEqual(pairsSent(authorized[0]), ['443/tcp 198.51.100.0/24', '53/udp 0.0.0.0/0']);
  });

  it('opens all traffic from a source as protocol -1 without ports, once', async () => {
    const { environ, groupId } = await preparedEnviron();
    let from = aws.ec2.requests.length;
    await environ.openPorts({ rules: [allFrom('203.0.113.0/24')] });
    const authorized = sent('AuthorizeSecurityGroupIngress', from);
    assert.equal(authorized.length, 1);
    const params = authorized[0]?.params ?? {};
    assert.equal(params['IpPermissions.1.IpProtocol'], '-1');
    assert.deepEqual(Object.keys(params).filter((key) => key.endsWith('Port')), [], 'EC2 takes all traffic without ports');
    assert.deepEqual(await groupRules(groupId), [sshRule, peersRule, 'all 203.0.113.0/24 envboot expose'].sort());
    assert.deepEqual(await environ.ingressRules({}), [allFrom('203.0.113.0/24'), sshListed(sshCidr)]);
    from = aws.ec2.requests.length;
    await environ.openPorts({ rules: [allFrom('203.0.113.0/24')] });
    assert.equal(sent('AuthorizeSecurityGroupIngress', from).length, 0, 'open already: nothing asked');
  });

  it('closes exactly the named sources, asks nothing when none is open, and never closes envboot’s SSH', async () => {
    const { environ, groupId } = await preparedEnviron();
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0'), rule('tcp', 22, '198.18.0.0/15')] });
    const expected = [sshListed(sshCidr), rule('tcp', 22, '198.18.0.0/15'), rule('tcp', 443, '0.0.0.0/0')];
    let from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 443, '::/0')] });
    assert.deepEqual(sent('RevokeSecurityGroupIngress', from).map(pairsSent), [['443/tcp ::/0']]);
    assert.deepEqual(await environ.ingressRules({}), expected);

    from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 443, '::/0'), rule('udp', 53, '0.0.0.0/0')] });
    assert.equal(sent('RevokeSecurityGroupIngress', from).length, 0, 'nothing of it open: no RevokeSecurityGroupIngress');

    from = aws.ec2.requests.length;
    await assert.rejects(environ.closePorts({ rules: [rule('tcp', 22, sshCidr, '198.18.0.0/15')] }), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.ConfigInvalid);
      assert.match(error.message, new RegExp(`22/tcp from ${sshCidr.replace(/\./g, '\\.')}.*ssh-cidr.*nothing was closed`));
      return true;
    });
    assert.deepEqual(aws.ec2.requests.slice(from), [], 'refused before any call');
    assert.deepEqual(await environ.ingressRules({}), expected, 'the refused call closed nothing');

    await environ.closePorts({ rules: [rule('tcp', 22, '198.18.0.0/15')] });
    assert.deepEqual(await groupRules(groupId), [sshRule, peersRule, '443/tcp 0.0.0.0/0 envboot expose'].sort());
  });

  it('lists a rule opened by hand in the AWS console, All TCP from port 0, leaves ICMP out, and closes them', async () => {
    const { environ, groupId } = await preparedEnviron();
    await operator.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '198.51.100.0/24' }] },
        { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
        { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }));
    const allTcp = { protocol: 'tcp', fromPort: 0, toPort: 65535, sourceCidrs: ['203.0.113.0/24'] } as const;
    assert.deepEqual(await environ.ingressRules({}), [allTcp, sshListed(sshCidr), rule('tcp', 8080, '198.51.100.0/24')]);
    const from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [rule('tcp', 8080, '198.51.100.0/24'), allTcp] });
    assert.deepEqual(sent('RevokeSecurityGroupIngress', from).map(pairsSent), [['0-65535/tcp 203.0.113.0/24', '8080/tcp 198.51.100.0/24']], 'in one call');
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr)]);
    assert.deepEqual(await groupRules(groupId), [sshRule, peersRule, '-1/icmp 0.0.0.0/0 -'].sort());
  });

  it('lists an all-traffic rule added through the SDK as protocol all, and closes it without touching the machines’ own rule', async () => {
    const { environ, groupId } = await preparedEnviron();
    await operator.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '198.51.100.0/24' }] }],
    }));
    assert.deepEqual(await environ.ingressRules({}), [allFrom('198.51.100.0/24'), sshListed(sshCidr)], 'the group-to-group rule is not a port');
    const from = aws.ec2.requests.length;
    await environ.closePorts({ rules: [{ protocol: 'all', fromPort: 0, toPort: 65535, sourceCidrs: ['198.51.100.0/24'] }] });
    assert.deepEqual(sent('RevokeSecurityGroupIngress', from).map(pairsSent), [['all 198.51.100.0/24']]);
    assert.deepEqual(await environ.ingressRules({}), [sshListed(sshCidr)]);
    assert.deepEqual(await groupRules(groupId), [sshRule, peersRule].sort());
  });

  it('reports the rules-per-group limit as QUOTA_EXCEEDED, saying what to do, and opens none of the call', async () => {
    const { environ, groupId } = await preparedEnviron();
    const sources = (first: number, count: number): string[] => Array.from({ length: count }, (_, n) => `198.18.${first + n}.0/24`);
    await environ.openPorts({ rules: [rule('tcp', 443, ...sources(0, 58))] }); // with SSH and the machines' own rule: 60 IPv4 rules, the limit
    await assert.rejects(environ.openPorts({ rules: [rule('tcp', 443, ...sources(58, 2))] }), (error: Error) => {
      assert.ok(isQuotaExceeded(error), `QUOTA_EXCEEDED in the cause chain; got ${errorCodeOf(error) ?? 'no code'}`);
      assert.match(error.message, /RulesPerSecurityGroupLimitExceeded/);
      assert.match(error.message, /expose to fewer sources \(`envboot unexpose`\).*Service Quotas/);
      return true;
    });
    assert.equal((await groupRules(groupId)).filter((r) => !r.includes(' self ')).length, 59, 'SSH and the 58 sources: nothing of the refused call');
    assert.equal((await environ.ingressRules({})).find((r) => r.fromPort === 443)?.sourceCidrs.length, 58);
  });

  it('opens a changed ssh-cidr on the next prepare, and lists the old source as an open port to close', async () => {
    const { environ, groupId } = await preparedEnviron();
    const from = aws.ec2.requests.length;
    const moved = environWith({ adapter: sdkEc2Adapter(operator), environment: environ.environment, config: { sshCidrs: ['198.51.100.0/24', '2001:db8::/32'] } });
    await prepareEnviron(moved);
    const authorized = sent('AuthorizeSecurityGroupIngress', from);
    assert.equal(authorized.length, 1, 'one call opens the new sources');
    assert.deepEqual(pairsSent(authorized[0]), ['22/tcp 198.51.100.0/24', '22/tcp 2001:db8::/32']);
    assert.doesNotMatch(JSON.stringify(authorized[0]?.params), /Groups/, 'the machines’ own rule is not asked for again');
    assert.deepEqual((await groupRules(groupId)).filter((r) => r.startsWith('22/tcp')), [
      '22/tcp 192.0.2.0/24 envboot SSH', '22/tcp 198.51.100.0/24 envboot SSH', '22/tcp 2001:db8::/32 envboot SSH',
    ]);
    assert.deepEqual(
      await moved.ingressRules({}),
      [sshListed('198.51.100.0/24', '2001:db8::/32'), rule('tcp', 22, '192.0.2.0/24')],
      'the old source is no longer envboot’s SSH: it is an open port',
    );
    await moved.closePorts({ rules: [rule('tcp', 22, '192.0.2.0/24')] });
    assert.deepEqual(await moved.ingressRules({}), [sshListed('198.51.100.0/24', '2001:db8::/32')]);
  });

  it('tears down the security group with exposed rules in it', async () => {
    const { environ, groupId } = await preparedEnviron();
    await environ.openPorts({ rules: [rule('tcp', 443, '0.0.0.0/0', '::/0'), rule('udp', 53, '203.0.113.0/24'), allFrom('198.51.100.0/24')] });
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
