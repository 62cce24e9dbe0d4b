import assert from 'node:assert/strict';
import { chmod, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { generateSshKeyPair } from '../../src/index.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { cliHome, finalResult } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

const password = 's3cret-Pa55';
const proxyKeys = [
  `    http-proxy: http://user:${password}@proxy.example.com:3128`,
  '    https-proxy: http://proxy.example.com:3129',
  '    no-proxy: .internal.example.com,10.0.0.0/8',
  '    apt-proxy: http://apt-cache.example.com:3142',
  '    apt-mirror: http://mirror.example.com/debian',
];
const shownProxies = {
  'http-proxy': 'http://user:***@proxy.example.com:3128',
  'https-proxy': 'http://proxy.example.com:3129',
  'no-proxy': '.internal.example.com,10.0.0.0/8',
  'apt-proxy': 'http://apt-cache.example.com:3142',
  'apt-mirror': 'http://mirror.example.com/debian',
};
const direct = '.internal.example.com,10.0.0.0/8,localhost,127.0.0.1,::1,169.254.169.254,fd00:ec2::254';

describe('machine proxies and apt mirror through the CLI', () => {
  it("bootstraps a manual host as its default user with all five keys: apt's proxy and sources, /etc/environment, and runcmd's environment", async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    if (host?.system === undefined) return;
    const { system } = host;
    const cli = await cliHome('envboot-cli-proxies-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    t.after(() => cli.run(['destroy', 'proxied', '--yes']));
    await cli.write(
      'environments.yaml',
      [
        'environments:',
        '  proxied:',
        '    provider: manual',
        ...proxyKeys,
        '    controller-cloud-config:',
        '      runcmd:',
        '        - printf "%s|%s\\n" "$http_proxy" "$NO_PROXY" > /var/lib/envboot-proxy-seen',
        '',
      ].join('\n'),
    );
    // The host's copy of /etc (private to its namespace) as it was: the mirror replaces its Debian archive, if it names one.
    const sourcesBefore = await system.run({ script: 'cat /etc/apt/sources.list.d/debian.sources 2>/dev/null || true' });
    const log = `${cli.home}/debug.log`;
    const boot = await cli.run(['--log-file', log, 'bootstrap', 'proxied', '--host', `debian@${host.host}:${host.port}`, '--identity', identity, '--host-key', host.hostPublicKey, '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    assert.equal((finalResult(boot)['result'] as { controller: { id: string } }).controller.id, '0');

    const files = await system.run({
      script: 'cat /etc/apt/apt.conf.d/90cloud-init-aptproxy; echo ---; grep -i proxy /etc/environment; echo ---; cat /var/lib/envboot-proxy-seen',
    });
    assert.equal(files.status, 0, files.stderr);
    assert.equal(
      files.stdout,
      [
        'Acquire::http::Proxy "http://apt-cache.example.com:3142";',
        'Acquire::https::Proxy "http://apt-cache.example.com:3142";',
        '---',
        `http_proxy="http://user:${password}@proxy.example.com:3128"`,
        `HTTP_PROXY="http://user:${password}@proxy.example.com:3128"`,
        'https_proxy="http://proxy.example.com:3129"',
        'HTTPS_PROXY="http://proxy.example.com:3129"',
        `no_proxy="${direct}"`,
        `NO_PROXY="${direct}"`,
        '---',
        `http://user:${password}@proxy.example.com:3128|${direct}`,
        '',
      ].join('\n'),
    );
    if (/^URIs: https?:\/\/deb\.debian\.org\/debian\/?$/m.test(sourcesBefore.stdout)) {
      const sources = await system.run({ script: 'cat /etc/apt/sources.list.d/debian.sources' });
      assert.match(sources.stdout, /^URIs: http:\/\/mirror\.example\.com\/debian$/m);
      assert.doesNotMatch(sources.stdout, /^URIs: https?:\/\/deb\.debian\.org\/debian\/?$/m);
    }

    const status = await cli.run(['status', 'proxied', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual((finalResult(status)['result'] as { proxies: unknown }).proxies, shownProxies);
    const text = await cli.run(['status', 'proxied']);
    assert.match(text.stdout, /^Proxies: +http-proxy=http:\/\/user:\*\*\*@proxy\.example\.com:3128 https-proxy=/m);
    for (const [where, output] of [['bootstrap', boot.stdout + boot.stderr], ['status', status.stdout + text.stdout], ['--log-file', await readFile(log, 'utf8')]]) {
      assert.doesNotMatch(output ?? '', new RegExp(password), `${where ?? ''} never shows the proxy password`);
    }
  });

  it('on a local machine: /etc/environment has the proxies; --dry-run and status show them with the password hidden', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-proxies-local-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', ['environments:', '  near:', '    provider: local', ...proxyKeys, ''].join('\n'));
    const plan = await cli.run(['bootstrap', 'near', '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^ {2}proxies: +http-proxy=http:\/\/user:\*\*\*@proxy\.example\.com:3128 .*apt-mirror=http:\/\/mirror\.example\.com\/debian \(applied by each machine's configure step\)$/m);
    const planJson = await cli.run(['bootstrap', 'near', '--dry-run', '--json']);
    assert.deepEqual((finalResult(planJson)['result'] as { environment: { proxies: unknown } }).environment.proxies, shownProxies);
    assert.deepEqual(cli.environmentDirs(), [], 'a dry run records nothing');

    const boot = await cli.run(['bootstrap', 'near']);
    assert.equal(boot.code, 0, boot.stderr);
    const exec = await cli.run(['exec', 'near', '0', '--', 'grep -i proxy /etc/environment']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stdout, new RegExp(`^http_proxy="http://user:${password}@proxy\\.example\\.com:3128"$`, 'm'));
    assert.match(exec.stdout, /^NO_PROXY="\.internal\.example\.com,10\.0\.0\.0\/8,localhost,127\.0\.0\.1,::1,169\.254\.169\.254,fd00:ec2::254"$/m);
    const status = await cli.run(['status', 'near']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Proxies: +http-proxy=http:\/\/user:\*\*\*@proxy\.example\.com:3128/m);
    for (const output of [plan.stdout, planJson.stdout, boot.stdout, boot.stderr, status.stdout]) assert.doesNotMatch(output, new RegExp(password));

    // A changed proxy is pushed to running machines by configure, with no cloud-config to give.
    const added = await cli.run(['add-machine', 'near']);
    assert.equal(added.code, 0, added.stderr);
    await cli.write('environments.yaml', ['environments:', '  near:', '    provider: local', '    http-proxy: http://proxy2.example.com:8080', ''].join('\n'));
    const configured = await cli.run(['configure', 'near', '0', '1']);
    assert.equal(configured.code, 0, configured.stderr);
    assert.match(configured.stdout, /^Machine 0: configured in .*\nMachine 1: configured in /m);
    for (const machine of ['0', '1']) {
      const seen = await cli.run(['exec', 'near', machine, '--', 'grep -i _proxy= /etc/environment']);
      assert.equal(seen.code, 0, seen.stderr);
      assert.match(seen.stdout, /^http_proxy="http:\/\/proxy2\.example\.com:8080"$/m, `machine ${machine} has the new proxy`);
      assert.doesNotMatch(seen.stdout, /proxy\.example\.com:3128/, `machine ${machine} no longer has the old one`);
    }
    await cli.write('environments.yaml', ['environments:', '  near:', '    provider: local', ''].join('\n'));
    const nothing = await cli.run(['configure', 'near', '1']);
    assert.equal(nothing.code, 2, 'without proxies, machine 1 has nothing to apply');
    assert.match(nothing.stderr, /machine 1 has no cloud-config envboot knows of .*sets no proxies: give the one to apply with --cloud-config FILE/);
    const destroyed = await cli.run(['destroy', 'near', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
  });

  it('refuses each malformed or misspelt key with exit 2, naming the key, the problem and an example, and creates nothing', async () => {
    const cli = await cliHome('envboot-cli-proxies-bad-');
    const cases: [string, RegExp][] = [
      ['http-proxy: proxy.example.com:3128', /environments\.bad\.http-proxy: "proxy\.example\.com:3128" has no scheme; write it as http:\/\/HOST:PORT; e\.g\. http-proxy: http:\/\/proxy\.example\.com:3128/],
      ['https-proxy: socks5://proxy:1080', /https-proxy: "socks5:\/\/proxy:1080" has the scheme "socks5"; use one of: http, https/],
      [`http-proxy: "http://user:${password}@proxy:port"`, /http-proxy: "http:\/\/user:\*\*\*@proxy:port" has a port that is not a number/],
      ['http-proxy: "http://pro xy:3128"', /http-proxy: .* must not contain whitespace/],
      ['http-proxy: 3128', /http-proxy: must be a URL, got number 3128; e\.g\. http-proxy: http:\/\/proxy\.example\.com:3128/],
      ['apt-proxy: ftp://cache:21', /apt-proxy: "ftp:\/\/cache:21" has the scheme "ftp"; use one of: http, https, socks5h; e\.g\. apt-proxy: http:\/\/apt-cache\.example\.com:3142 \(or none\)/],
      ['apt-mirror: mirror.example.com/ubuntu', /apt-mirror: "mirror\.example\.com\/ubuntu" has no scheme; write it as http:\/\/HOST:PORT\/PATH; e\.g\. apt-mirror: http:\/\/mirror\.example\.com\/ubuntu/],
      ['apt-mirror: "http://mirror.example.com/ubuntu?x=1"', /apt-mirror: .* must not have a query or a fragment/],
      ['no-proxy: "localhost,http://registry.internal"', /no-proxy: "http:\/\/registry\.internal" is a URL; give just the host, e\.g\. registry\.example\.com; e\.g\. no-proxy: localhost,\.example\.com,10\.0\.0\.0\/8/],
      ['no-proxy: "10.0.0.0/33"', /no-proxy: "10\.0\.0\.0\/33" has a prefix length above 32/],
      ['no-proxy: {a: 1}', /no-proxy: must be a comma-separated list of hosts, domains and CIDRs, got a mapping/],
      ['proxy: http://proxy:3128', /environments\.bad\.proxy: unknown key; .*did you mean "http-proxy"\?/],
      ['http_proxy: http://proxy:3128', /http_proxy: unknown key; .*did you mean "http-proxy"\?/],
      ['apt-http-proxy: http://proxy:3128', /apt-http-proxy: unknown key; .*did you mean "apt-proxy"\?/],
      ['juju-http-proxy: http://proxy:3128', /juju-http-proxy: unknown key; .*did you mean "http-proxy"\?/],
      ['juju-no-proxy: localhost', /juju-no-proxy: unknown key; .*did you mean "no-proxy"\?/],
    ];
    for (const [line, says] of cases) {
      await cli.write('environments.yaml', ['environments:', '  bad:', '    provider: local', `    ${line}`, ''].join('\n'));
      for (const args of [['bootstrap', 'bad'], ['bootstrap', 'bad', '--dry-run']]) {
        const run = await cli.run(args);
        assert.equal(run.code, 2, `${line} (${args.join(' ')}): ${run.stderr}`);
        assert.match(run.stderr, says, line);
        assert.doesNotMatch(run.stderr, new RegExp(password), `${line}: the password is never shown`);
      }
    }
    assert.deepEqual(cli.environmentDirs(), [], 'no records, no machine');
  });
});
