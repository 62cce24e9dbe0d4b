import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderScript, withMachineProxies, type CloudConfig, type MachineProxySettings } from '../../cloudinit/index.js';
import { runCommand } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';

const ubuntuSources = [
  '# deb http://archive.ubuntu.com/ubuntu noble main',
  'deb http://us-east-1.ec2.archive.ubuntu.com/ubuntu/ noble main restricted',
  'deb [arch=amd64] http://archive.ubuntu.com/ubuntu noble-updates main',
  'deb http://security.ubuntu.com/ubuntu noble-security main',
  'deb http://repo.example.com/other stable main',
  '',
].join('\n');
const debianSources = [
  'Types: deb deb-src',
  'URIs: https://cdn-aws.deb.debian.org/debian http://deb.debian.org/debian',
  'Suites: bookworm bookworm-updates',
  'Components: main',
  '',
  'Types: deb',
  'URIs: http://deb.debian.org/debian-security',
  'Suites: bookworm-security',
  '',
].join('\n');

/** A machine's files under a temporary root: Ubuntu's and Debian's sources, and an /etc/environment with a PATH and an old proxy. */
async function machineRoot(): Promise<string> {
  const root = await tempDir('envboot-proxies-');
  await mkdir(path.join(root, 'etc/apt/sources.list.d'), { recursive: true });
  await writeFile(path.join(root, 'etc/apt/sources.list'), ubuntuSources);
  await writeFile(path.join(root, 'etc/apt/sources.list.d/debian.sources'), debianSources);
  await writeFile(path.join(root, 'etc/environment'), 'PATH="/usr/local/bin:/usr/bin:/bin"\nexport http_proxy=http://old:1\nNO_PROXY=old\n');
  return root;
}

async function configure(root: string, config: CloudConfig | undefined, settings: MachineProxySettings): Promise<{ stdout: string; stderr: string }> {
  const machine = withMachineProxies(config, settings);
  const script = path.join(root, 'configure.sh');
  await writeFile(script, renderScript(machine.config ?? {}, { rootPrefix: root, environment: machine.environment }));
  const run = await runCommand('sh', [script]);
  assert.equal(run.status, 0, run.stderr);
  return run;
}

const read = (root: string, file: string): Promise<string> => readFile(path.join(root, file), 'utf8');

describe('renderScript with machine proxies (run in a temporary root)', () => {
  const settings: MachineProxySettings = {
    httpProxy: 'http://user:p$w&x@proxy.example.com:3128',
    httpsProxy: 'http://proxy.example.com:3129',
    noProxy: ['.internal.example.com', '10.0.0.0/8'],
    aptProxy: 'http://apt-cache.example.com:3142',
    aptMirror: 'http://mirror.example.com/a&b',
  };

  it('writes apt proxy conf, points the archives at the mirror, sets /etc/environment, and runcmd sees the variables', async () => {
    const root = await machineRoot();
    const runcmd = ['printf "%s|%s|%s\\n" "$http_proxy" "$HTTPS_PROXY" "$no_proxy" > "$ENVBOOT_ROOT/seen"'];
    const run = await configure(root, { runcmd }, settings);
    assert.match(run.stdout, /\[1\/4\] \/etc\/environment\n.*\[2\/4\] apt\.proxy\n.*\[3\/4\] apt\.primary\n.*\[4\/4\] runcmd\[0\]/s);
    assert.doesNotMatch(run.stdout + run.stderr, /p\$w/, 'no value is echoed');
    assert.equal(
      await read(root, 'etc/apt/apt.conf.d/90cloud-init-aptproxy'),
      'Acquire::http::Proxy "http://apt-cache.example.com:3142";\nAcquire::https::Proxy "http://apt-cache.example.com:3142";\n',
    );
    assert.equal(
      await read(root, 'etc/apt/sources.list'),
      [
        '# deb http://archive.ubuntu.com/ubuntu noble main',
        'deb http://mirror.example.com/a&b noble main restricted',
        'deb [arch=amd64] http://mirror.example.com/a&b noble-updates main',
        'deb http://mirror.example.com/a&b noble-security main',
        'deb http://repo.example.com/other stable main',
        '',
      ].join('\n'),
    );
    assert.equal(
      await read(root, 'etc/apt/sources.list.d/debian.sources'),
      debianSources.replace('URIs: https://cdn-aws.deb.debian.org/debian http://deb.debian.org/debian', 'URIs: http://mirror.example.com/a&b http://mirror.example.com/a&b'),
      "Debian's security archive stays: a mirror of debian does not carry debian-security",
    );
    const direct = '.internal.example.com,10.0.0.0/8,localhost,127.0.0.1,::1,169.254.169.254,fd00:ec2::254';
    assert.equal(
      await read(root, 'etc/environment'),
      [
        'PATH="/usr/local/bin:/usr/bin:/bin"',
        `http_proxy="${settings.httpProxy ?? ''}"`,
        `HTTP_PROXY="${settings.httpProxy ?? ''}"`,
        'https_proxy="http://proxy.example.com:3129"',
        'HTTPS_PROXY="http://proxy.example.com:3129"',
        `no_proxy="${direct}"`,
        `NO_PROXY="${direct}"`,
        '',
      ].join('\n'),
    );
    assert.equal((await stat(path.join(root, 'etc/environment'))).mode & 0o777, 0o644);
    assert.equal(await read(root, 'seen'), `${settings.httpProxy ?? ''}|http://proxy.example.com:3129|${direct}\n`);
    assert.equal(await read(root, 'var/lib/envboot/apt-sources/sources.list.d/debian.sources'), debianSources, 'the original is kept');
  });

  it('running again changes nothing; running with another mirror or proxy replaces the first', async () => {
    const root = await machineRoot();
    await configure(root, undefined, settings);
    const first = await Promise.all(['etc/environment', 'etc/apt/sources.list', 'etc/apt/sources.list.d/debian.sources'].map((f) => read(root, f)));
    await configure(root, undefined, settings);
    assert.deepEqual(await Promise.all(['etc/environment', 'etc/apt/sources.list', 'etc/apt/sources.list.d/debian.sources'].map((f) => read(root, f))), first);

    await configure(root, undefined, { httpProxy: 'http://new-proxy:8080', aptMirror: 'https://other.example.com/ubuntu/' });
    assert.match(await read(root, 'etc/apt/sources.list'), /^deb https:\/\/other\.example\.com\/ubuntu\/ noble main restricted$/m);
    assert.doesNotMatch(await read(root, 'etc/apt/sources.list'), /mirror\.example\.com/);
    const environment = await read(root, 'etc/environment');
    assert.equal(environment.match(/^http_proxy=/gm)?.length, 1);
    assert.match(environment, /^http_proxy="http:\/\/new-proxy:8080"$/m);
    assert.doesNotMatch(environment, /^(https_proxy|HTTPS_PROXY)=/m, 'a proxy no longer set does not linger beside the new one');
    assert.match(environment, /^no_proxy="localhost,127\.0\.0\.1,::1,169\.254\.169\.254,fd00:ec2::254"$/m, 'no_proxy is the new setting\'s alone');
    assert.equal(await read(root, 'etc/apt/apt.conf.d/90cloud-init-aptproxy'), 'Acquire::http::Proxy "http://new-proxy:8080";\n');
  });

  it('per-architecture mirrors pick this machine\'s own entry, and an explicit security mirror takes the security archives', async () => {
    const root = await machineRoot();
    const arch = (await runCommand('dpkg', ['--print-architecture'])).stdout.trim() || 'unknown';
    const apt: CloudConfig['apt'] = {
      primary: [{ arches: ['default'], uri: 'http://fallback.example.com/x' }, { arches: [arch], uri: 'http://own-arch.example.com/x' }],
      security: [{ arches: ['default'], uri: 'http://security-mirror.example.com/y' }],
    };
    await configure(root, { apt }, {});
    assert.match(await read(root, 'etc/apt/sources.list'), /^deb http:\/\/own-arch\.example\.com\/x noble main restricted$/m);
    assert.match(await read(root, 'etc/apt/sources.list'), /^deb http:\/\/security-mirror\.example\.com\/y noble-security main$/m);
    assert.match(await read(root, 'etc/apt/sources.list.d/debian.sources'), /^URIs: http:\/\/security-mirror\.example\.com\/y$/m);
  });

  it('apt-proxy none writes DIRECT; apt without proxies removes the file, as cloud-init does; no known archive is a warning', async () => {
    const root = await machineRoot();
    await configure(root, undefined, { httpProxy: 'http://proxy:3128', aptProxy: 'DIRECT' });
    assert.equal(await read(root, 'etc/apt/apt.conf.d/90cloud-init-aptproxy'), 'Acquire::http::Proxy "DIRECT";\nAcquire::https::Proxy "DIRECT";\n');
    await configure(root, { apt: { sources: { extra: { source: 'deb http://repo.example.com/ stable main' } } } }, {});
    await assert.rejects(stat(path.join(root, 'etc/apt/apt.conf.d/90cloud-init-aptproxy')), { code: 'ENOENT' });

    const bare = await tempDir('envboot-proxies-bare-');
    const run = await configure(bare, undefined, { aptMirror: 'http://mirror.example.com/ubuntu' });
    assert.match(run.stderr, /envboot: apt mirror: no source of the distribution archive .* found under \/etc\/apt; nothing replaced/);
  });

  it('refuses an environment value /etc/environment cannot hold', () => {
    assert.throws(() => renderScript({}, { environment: { http_proxy: 'http://a"b' } }), /environment\.http_proxy: must not contain a double quote/);
    assert.throws(() => renderScript({}, { environment: { 'bad-name': 'x' } }), /is not a variable name/);
  });
});
