import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { TagKey } from '../../src/index.js';
import type { FakeEc2Rule } from '../fakes/ec2/resources.js';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

const aws: FakeAws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);

async function exposedHome(bucket: string, expose: unknown): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-expose-');
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options(bucket), expose } } }));
  cli.beforeRemoval(async () => {
    await cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv });
  });
  return cli;
}

/** The environment's group's CIDR sources as `PORTS/PROTO CIDR (description)`, sorted. */
function groupSources(name: string): string[] {
  const group = aws.ec2.securityGroups().find((g) => g.tags[TagKey.EnvironmentName] === name);
  assert.ok(group !== undefined, `environment ${name} has no security group`);
  const ports = (rule: FakeEc2Rule): string => (rule.fromPort === rule.toPort ? String(rule.fromPort) : `${String(rule.fromPort)}-${String(rule.toPort)}`);
  return group.ingress
    .filter((rule) => rule.groupId === undefined)
    .map((rule) => `${ports(rule)}/${rule.protocol} ${rule.cidrIp ?? rule.cidrIpv6 ?? ''} (${rule.description ?? ''})`)
    .sort();
}

function ec2Actions(from: number): string[] {
  return aws.ec2.requests.slice(from).map((request) => request.action);
}

describe('expose: ports open to outside sources through the ec2 security group (fake AWS endpoints, real SDK)', () => {
  it('opens environments.yaml expose and --expose at bootstrap, shows them in status, opens and closes more, and destroy removes the group', async () => {
    const cli = await exposedHome('envboot-e2e-expose', [443, { ports: '8000-8100', from: ['10.0.0.0/8'] }]);
    const boot = await cli.run(['bootstrap', 'cloud', '--expose', '9090/udp', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const result = finalResult(boot)['result'] as { openPorts: { protocol: string; fromPort: number; sourceCidrs: string[]; reserved?: string }[] };
    assert.deepEqual(
      result.openPorts.map((rule) => `${String(rule.fromPort)}/${rule.protocol} ${rule.sourceCidrs.join(',')} ${rule.reserved ?? ''}`.trim()),
      ['22/tcp 192.0.2.0/24 envboot SSH (ssh-cidr)', '443/tcp 0.0.0.0/0,::/0', '8000/tcp 10.0.0.0/8', '9090/udp 0.0.0.0/0,::/0'],
    );
    assert.deepEqual(groupSources('cloud'), [
      '22/tcp 192.0.2.0/24 (envboot SSH)',
      '443/tcp 0.0.0.0/0 (envboot expose)',
      '443/tcp ::/0 (envboot expose)',
      '8000-8100/tcp 10.0.0.0/8 (envboot expose)',
      '9090/udp 0.0.0.0/0 (envboot expose)',
      '9090/udp ::/0 (envboot expose)',
    ]);

    const status = await cli.run(['status', 'cloud'], { env: awsEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      /^Open ports: +22\/tcp from 192\.0\.2\.0\/24 \(envboot SSH \(ssh-cidr\)\); 443\/tcp from anywhere; 8000-8100\/tcp from 10\.0\.0\.0\/8; 9090\/udp from anywhere$/m,
    );

    aws.ec2.faults.unauthorized = ['DescribeSecurityGroups'];
    try {
      const blind = await cli.run(['status', 'cloud', '--json'], { env: awsEnv });
      assert.equal(blind.code, 0, 'status reports what it could not read, and still exits 0');
      const ports = (finalResult(blind)['result'] as { openPorts: { error: string } }).openPorts;
      assert.match(ports.error, /UnauthorizedOperation/);
    } finally {
      aws.ec2.faults.unauthorized = [];
    }

    const opened = await cli.run(['expose', 'cloud', '53/udp', '443', '--from', '203.0.113.0/24'], { env: awsEnv });
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stdout, /^Opened 443\/tcp from 203\.0\.113\.0\/24\.\nOpened 53\/udp from 203\.0\.113\.0\/24\.\n/);
    const before = aws.ec2.requests.length;
    const again = await cli.run(['expose', 'cloud', '443'], { env: awsEnv });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Already open: 443\/tcp from anywhere\.$/m);
    assert.equal(ec2Actions(before).includes('AuthorizeSecurityGroupIngress'), false, 'what is open is not asked for again');

    const part = await cli.run(['unexpose', 'cloud', '8050'], { env: awsEnv });
    assert.equal(part.code, 2, part.stderr);
    assert.match(part.stderr, /8050\/tcp: overlaps the open range 8000-8100\/tcp from 10\.0\.0\.0\/8; a range is closed whole/);
    const ssh = await cli.run(['unexpose', 'cloud', '22', '--from', '192.0.2.0/24'], { env: awsEnv });
    assert.equal(ssh.code, 2, ssh.stderr);
    assert.match(ssh.stderr, /22\/tcp from 192\.0\.2\.0\/24: stays open: it is envboot SSH \(ssh-cidr\); change that setting to close it/);
    const sshAll = await cli.run(['unexpose', 'cloud', '22'], { env: awsEnv });
    assert.equal(sshAll.code, 0, sshAll.stderr);
    assert.match(sshAll.stdout, /^Kept open: 22\/tcp from 192\.0\.2\.0\/24 \(envboot SSH \(ssh-cidr\)\): envboot needs it\.$/m);
    const sshOpen = await cli.run(['expose', 'cloud', '22', '--from', '192.0.2.0/24'], { env: awsEnv });
    assert.equal(sshOpen.code, 0, sshOpen.stderr);
    assert.match(sshOpen.stdout, /^Already open: 22\/tcp from 192\.0\.2\.0\/24 \(envboot SSH \(ssh-cidr\)\)\.$/m);
    assert.ok(groupSources('cloud').includes('22/tcp 192.0.2.0/24 (envboot SSH)'));

    const closed = await cli.run(['unexpose', 'cloud', '443', '--json'], { env: awsEnv });
    assert.equal(closed.code, 0, closed.stderr);
    const closing = finalResult(closed)['result'] as { closed: { sourceCidrs: string[] }[] };
    assert.deepEqual(closing.closed[0]?.sourceCidrs, ['0.0.0.0/0', '203.0.113.0/24', '::/0']);
    assert.equal(groupSources('cloud').some((source) => source.startsWith('443/')), false);
    const none = await cli.run(['unexpose', 'cloud', '443'], { env: awsEnv });
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^Not open: 443\/tcp\.$/m);

    const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(aws.ec2.securityGroups().some((g) => g.tags[TagKey.EnvironmentName] === 'cloud'), false);
  });

  it('refuses bad ports and ranges (exit 2) before any call, and says what it meant', async () => {
    const cli = await exposedHome('envboot-e2e-expose-bad', [{ ports: ['http'], from: '10.0.0.1/8' }, true]);
    const before = aws.ec2.requests.length;
    const config = await cli.run(['bootstrap', 'cloud'], { env: awsEnv });
    assert.equal(config.code, 2, config.stderr);
    assert.match(config.stderr, /environments\.cloud\.expose\[0\]\.ports: "http" is not a port range/);
    assert.match(config.stderr, /environments\.cloud\.expose\[0\]\.from: "10\.0\.0\.1\/8" has host bits set: did you mean 10\.0\.0\.0\/8\?/);
    assert.match(config.stderr, /environments\.cloud\.expose\[1\]: must be a port range/);
    await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options('envboot-e2e-expose-bad') } } }));
    const flag = await cli.run(['bootstrap', 'cloud', '--expose', '70000'], { env: awsEnv });
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /--expose: "70000": 70000 is not a port; ports are 0 to 65535/);
    const empty = await cli.run(['expose', 'cloud', '443', '--from', '10.0.0.0/8,'], { env: awsEnv });
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /"10\.0\.0\.0\/8," has an empty source range; write --from a --from b or --from a,b/);
    const command = await cli.run(['expose', 'cloud', '443-80', '--from', 'example.com'], { env: awsEnv });
    assert.equal(command.code, 2, command.stderr);
    assert.match(command.stderr, /PORTS: "443-80" runs backwards: write 80-443\/tcp/);
    assert.match(command.stderr, /--from: "example\.com" is not an address range/);
    assert.deepEqual(ec2Actions(before), [], 'bad input reaches no cloud');
    assert.deepEqual(cli.environmentDirs(), []);
  });

  it('refuses expose on a provider without a firewall (exit 2), with nothing created or changed', async (t) => {
    const cli = await cliHome('envboot-cli-expose-local-');
    const boot = await cli.run(['bootstrap', 'demo', '--expose', '443']);
    assert.equal(boot.code, 2, boot.stderr);
    assert.match(boot.stderr, /the local provider has no firewall, so envboot cannot open or close ports on its machines/);
    assert.deepEqual(cli.environmentDirs(), []);
    if (!(await requireLocalMachines(t))) return;
    destroyLeftovers(cli);
    const up = await cli.run(['bootstrap', 'demo']);
    assert.equal(up.code, 0, up.stderr);
    for (const command of ['expose', 'unexpose']) {
      const refused = await cli.run([command, 'demo', '443']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /the local provider has no firewall/);
    }
    const status = await cli.run(['status', 'demo']);
    assert.equal(status.code, 0, status.stderr);
    assert.doesNotMatch(status.stdout, /Open ports/, 'a provider without a firewall has no open-ports line');
  });
});
