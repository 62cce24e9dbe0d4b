import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  describeMachineProxies,
  machineProxyEnvironment,
  noProxyEntryProblem,
  redactUrl,
  renderUserData,
  urlProblem,
  validateCloudConfig,
  withMachineProxies,
  type CloudConfig,
  type MachineProxySettings,
} from '../../cloudinit/index.js';
import { requireTool } from '../helpers/require-tool.js';
import { runCommand } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';

const full: MachineProxySettings = {
  httpProxy: 'http://user:s3cret@proxy.example.com:3128',
  httpsProxy: 'http://proxy.example.com:3129',
  noProxy: ['.internal.example.com', '10.0.0.0/8'],
  aptProxy: 'http://apt-cache.example.com:3142',
  aptMirror: 'http://mirror.example.com/ubuntu',
};
const keys = Object.keys(full) as (keyof MachineProxySettings)[];
/** Every combination of the five settings (32), each over no config and over a config with its own apt. */
const combinations: { name: string; settings: MachineProxySettings; base: CloudConfig | undefined }[] = [];
for (let mask = 0; mask < 1 << keys.length; mask++) {
  const chosen = keys.filter((_, bit) => (mask & (1 << bit)) !== 0);
  const settings = Object.fromEntries(chosen.map((key) => [key, full[key]])) as MachineProxySettings;
  combinations.push({ name: chosen.join('+') || '(none)', settings, base: undefined });
  combinations.push({ name: `${chosen.join('+') || '(none)'} over apt.sources`, settings, base: { apt: { sources: { extra: { source: 'deb http://repo.example.com/ stable main' } } }, runcmd: ['true'] } });
}

describe('machine proxies as cloud-config', () => {
  it('every combination, alone and merged into a config, is a valid cloud-config for envboot', () => {
    for (const { name, settings, base } of combinations) {
      const { config } = withMachineProxies(base, settings);
      if (config === undefined) continue;
      const checked = validateCloudConfig(config);
      assert.ok(checked.ok, `${name}: ${JSON.stringify(checked)}`);
    }
  });

  it('cloud-init schema --config-file accepts the cloud-config of every combination', async (t) => {
    const cloudInit = requireTool(t, 'cloud-init', 'Debian package cloud-init');
    if (cloudInit === undefined) return;
    const dir = await tempDir();
    const documents = new Map<string, string>();
    for (const { name, settings, base } of combinations) {
      const { config } = withMachineProxies(base, settings);
      if (config !== undefined) documents.set(renderUserData(config).document, name);
    }
    // Settings that differ only in the environment give the same cloud-config: each distinct one is checked once.
    assert.ok(documents.size >= 16, `${String(documents.size)} distinct documents`);
    const failures: string[] = [];
    const pending = [...documents.entries()].map(([document, name], index) => ({ document, name, index }));
    const worker = async (): Promise<void> => {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const file = path.join(dir, `proxies-${String(next.index)}.yaml`);
        await writeFile(file, next.document);
        const run = await runCommand(cloudInit, ['schema', '--config-file', file]);
        if (run.status !== 0 || !/Valid cloud-config/.test(run.stdout)) failures.push(`${next.name}: exit ${String(run.status)}\n${run.stdout}${run.stderr}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    assert.deepEqual(failures, []);
  });

  it('renders apt proxies from apt-proxy, else from the machine proxies, and the mirror as the primary archive', () => {
    assert.deepEqual(withMachineProxies(undefined, full).config, {
      apt: {
        http_proxy: 'http://apt-cache.example.com:3142',
        https_proxy: 'http://apt-cache.example.com:3142',
        primary: [{ arches: ['default'], uri: 'http://mirror.example.com/ubuntu' }],
      },
    });
    assert.deepEqual(withMachineProxies(undefined, { httpProxy: 'http://p:1', httpsProxy: 'http://p:2' }).config, {
      apt: { http_proxy: 'http://p:1', https_proxy: 'http://p:2' },
    });
    assert.deepEqual(withMachineProxies(undefined, { httpProxy: 'http://p:1', aptProxy: 'DIRECT' }).config, {
      apt: { http_proxy: 'DIRECT', https_proxy: 'DIRECT' },
    });
  });

  it("keeps the config's own apt values over the environment's, and the rest of the config as it was", () => {
    const base: CloudConfig = { apt: { http_proxy: 'http://own:8080' }, packages: ['curl'] };
    assert.deepEqual(withMachineProxies(base, { httpProxy: 'http://p:1', aptMirror: 'http://m/ubuntu' }).config, {
      apt: { http_proxy: 'http://own:8080', primary: [{ arches: ['default'], uri: 'http://m/ubuntu' }] },
      packages: ['curl'],
    });
    assert.equal(withMachineProxies(undefined, undefined).config, undefined);
    assert.deepEqual(withMachineProxies(undefined, { noProxy: ['.internal'] }).config, {}, 'only variables: an empty config, so the machine is still configured');
  });

  it('exports each proxy in both cases, and adds the machine itself to no_proxy when a proxy is set', () => {
    assert.deepEqual(machineProxyEnvironment(full), {
      http_proxy: full.httpProxy,
      HTTP_PROXY: full.httpProxy,
      https_proxy: full.httpsProxy,
      HTTPS_PROXY: full.httpsProxy,
      no_proxy: '.internal.example.com,10.0.0.0/8,localhost,127.0.0.1,::1,169.254.169.254,fd00:ec2::254',
      NO_PROXY: '.internal.example.com,10.0.0.0/8,localhost,127.0.0.1,::1,169.254.169.254,fd00:ec2::254',
    });
    assert.deepEqual(machineProxyEnvironment({ noProxy: ['.internal'] }), { no_proxy: '.internal', NO_PROXY: '.internal' });
    assert.deepEqual(machineProxyEnvironment({ aptMirror: 'http://m/ubuntu' }), {});
  });

  it('describes the settings with credentials hidden', () => {
    assert.deepEqual(describeMachineProxies(full), [
      ['http-proxy', 'http://user:***@proxy.example.com:3128'],
      ['https-proxy', 'http://proxy.example.com:3129'],
      ['no-proxy', '.internal.example.com,10.0.0.0/8'],
      ['apt-proxy', 'http://apt-cache.example.com:3142'],
      ['apt-mirror', 'http://mirror.example.com/ubuntu'],
    ]);
    assert.equal(redactUrl('http://token@proxy:3128'), 'http://***@proxy:3128');
    assert.equal(redactUrl('http://proxy:3128'), 'http://proxy:3128');
  });
});

describe('proxy URL checks', () => {
  const proxy = { schemes: ['http', 'https'], path: false };
  const cases: [string, RegExp | undefined][] = [
    ['http://proxy.example.com:3128', undefined],
    ['https://user:p%40ss@proxy.example.com:3128/', undefined],
    ['http://10.0.0.1:3128', undefined],
    ['http://[2001:db8::1]:3128', undefined],
    ['proxy.example.com:3128', /has no scheme; write it as http:\/\/HOST:PORT/],
    ['socks5://proxy:1080', /has the scheme "socks5"; use one of: http, https/],
    ['http://proxy:port', /has a port that is not a number/],
    ['http://proxy:70000', /port outside 1-65535/],
    ['http://:3128', /has no host/],
    ['http://pro xy:3128', /whitespace/],
    ['http://proxy:3128"; echo pwned', /quotes/],
    ['http://proxy:3128/path', /must not have a path/],
    ['http://proxy:3128/?x=1', /query or a fragment/],
    ['http://bad_host:3128', /not a host name or an IP address/],
    ['', /is empty/],
  ];
  for (const [value, problem] of cases) {
    it(`${JSON.stringify(value)} ${problem === undefined ? 'is accepted' : `is refused: ${problem.source}`}`, () => {
      const found = urlProblem(value, proxy);
      if (problem === undefined) assert.equal(found, undefined);
      else assert.match(found ?? '(accepted)', problem);
    });
  }

  it('a mirror may have a path; apt takes socks5h proxies', () => {
    assert.equal(urlProblem('http://mirror.example.com/ubuntu/', { schemes: ['http', 'https'], path: true }), undefined);
    assert.equal(validateCloudConfig({ apt: { http_proxy: 'socks5h://user:pw@127.0.0.1:9050' } }).ok, true);
    const bad = validateCloudConfig({ apt: { https_proxy: 'socks5://proxy:1080', primary: [{ arches: [], uri: 'mirror' }] } });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems.map((p) => p.path), ['apt.https_proxy', 'apt.primary[0].arches', 'apt.primary[0].uri']);
  });

  it('no_proxy entries: hosts, domains, addresses, CIDRs and *', () => {
    for (const ok of ['*', 'localhost', '.example.com', 'registry.example.com', '10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', '*.example.com']) {
      assert.equal(noProxyEntryProblem(ok), undefined, ok);
    }
    for (const [bad, says] of [
      ['http://host', /is a URL/],
      ['host:8080', /has a port/],
      ['10.0.0.0/33', /prefix length above 32/],
      ['300.1.1.1', /not an IPv4 address/],
      ['bad host', /whitespace/],
      ['ex"ample', /quotes/],
    ] as const) {
      assert.match(noProxyEntryProblem(bad) ?? '(accepted)', says, bad);
    }
  });
});
