import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { defaultManualConfig, ManualEnviron, type ManualConfig } from '../../../providers/manual/index.js';
import os from 'node:os';
import { addMachines, bootstrap, connectSsh, destroy, ErrorCode, findInChain, generateSshKeyPair, hasHardwareLimits, isConfigError, loadState, type SshKeyPair } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startNamespacedSshd, type NamespacedSshd } from './namespaced-sshd.js';

const waitFast = { waitSshTunables: { refreshMinMs: 5, refreshMaxMs: 20 } };

interface Fixture {
  readonly host: NamespacedSshd;
  readonly operator: SshKeyPair;
  readonly identityFile: string;
  environ(config?: Partial<ManualConfig>): ManualEnviron;
  /** Runs a command on the host as root (with the operator's key, or inside a cloud image's system). */
  run(command: string): Promise<{ exitCode: number | undefined; stdout: string }>;
}

async function fixture(t: TestContext, defaultUser?: string): Promise<Fixture | undefined> {
  const operator = generateSshKeyPair({ comment: 'operator' });
  const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], ...(defaultUser === undefined ? {} : { defaultUser }) });
  if (host === undefined) return undefined;
  const dir = await tempDir('envboot-manual-');
  const identityFile = path.join(dir, 'operator-key');
  await writeFile(identityFile, operator.privateKey, { mode: 0o600 });
  const pinned = { [`[${host.host}]:${host.port}`]: [host.hostPublicKey] };
  return {
    host,
    operator,
    identityFile,
    environ: (config = {}) =>
      new ManualEnviron({
        environment: { name: `manual-${randomUUID().slice(0, 6)}`, uuid: randomUUID() },
        config: { ...defaultManualConfig, identityFile, hostKeys: pinned, ...config },
        dataDir: dir,
      }),
    run: async (command) => {
      if (host.system !== undefined) {
        const ran = await host.system.run({ script: command });
        return { exitCode: ran.status ?? undefined, stdout: ran.stdout };
      }
      const connection = await connectSsh({ host: host.host, port: host.port, user: 'root', privateKey: operator.privateKey, hostKeys: [host.hostPublicKey] });
      try {
        const result = await connection.exec({ command });
        return { exitCode: result.exitCode, stdout: result.stdout.toString('utf8') };
      } finally {
        connection.close();
      }
    },
  };
}

describe('manual provider against OpenSSH sshd (changes land in a private mount namespace)', () => {
  it('enrols a host with its own pinned host key, detects its hardware, proves it with the nonce, and releases it without shutting it down', async (t) => {
    const f = await fixture(t);
    if (f === undefined) return;
    const environ = f.environ({ teardownCommands: ['echo released > /var/lib/teardown-ran'] });
    const placement = `root@${f.host.host}:${f.host.port}`;
    const result = await bootstrap({ environ, placement, timeouts: waitFast, controllerConfig: { runcmd: ['echo configured > /var/lib/controller-configured'] } });
    assert.deepEqual(result.controller.hostKeys, [f.host.hostPublicKey], "the host's own key is pinned, not a generated one");
    assert.equal(result.controller.connectedAddress.port, f.host.port);
    assert.ok((result.controller.hardware?.cores ?? 0) >= 1);
    assert.ok((result.controller.hardware?.memoryMiB ?? 0) > 0);
    assert.match(result.controller.hardware?.arch ?? '', /^(amd64|arm64|ppc64el|s390x|riscv64)$/);
    assert.equal((await f.run('cat /var/lib/envboot/environment')).stdout.trim(), environ.environment.uuid);
    assert.equal((await f.run('cat /var/lib/controller-configured')).stdout.trim(), 'configured');
    const clientBlob = result.clientKey.publicKey.split(' ')[1] ?? 'x';
    assert.ok((await f.run('cat /root/.ssh/authorized_keys')).stdout.includes(clientBlob), "the environment's key was added for the user");

    const destroyed = await destroy({ environ });
    assert.deepEqual(destroyed.failures, []);
    assert.equal((await f.run('cat /var/lib/teardown-ran')).stdout.trim(), 'released', 'the teardown commands ran');
    assert.equal((await f.run('test -e /var/lib/envboot')).exitCode, 1, "envboot's state directory is gone");
    assert.ok(!(await f.run('cat /root/.ssh/authorized_keys 2>/dev/null || true')).stdout.includes(clientBlob), "the environment's key was removed again");
    assert.deepEqual(await environ.allInstances({}), []);
  });

  it('checks constraints against the hardware the host reports before the claim, and refuses what it lacks with nothing touched', async (t) => {
    const f = await fixture(t);
    if (f === undefined) return;
    // Trust on first use: the key the probe accepts is the one the enrolment pins.
    const environ = f.environ({ hostKeys: {}, acceptNewHostKey: true });
    const placement = `root@${f.host.host}:${f.host.port}`;
    const host = `host root@${f.host.host}:${f.host.port}`;
    assert.ok(hasHardwareLimits(environ));
    const limits = await environ.hardwareLimits({ placement });
    // The sshd runs on this host, so it reports this host's cores and memory.
    assert.equal(limits.maxCores, os.cpus().length);
    assert.ok(Math.abs((limits.maxMemoryMiB ?? 0) - os.totalmem() / 1024 / 1024) < 64, String(limits.maxMemoryMiB));
    const cores = os.cpus().length;
    const refusals: [Parameters<typeof bootstrap>[0]['constraints'], RegExp][] = [
      [{ cores: cores + 1 }, new RegExp(`cores=${cores + 1}: ${host} has at most ${cores} cores? \\(as the host reports it\\); ask for cores=${cores} or fewer`)],
      [{ memoryMiB: 1024 ** 3 }, new RegExp(`mem=1P: ${host} has at most [\\d.]+ GiB of memory \\(as the host reports it\\)`)],
      [{ instanceType: 'm5.large' }, /instance-type=m5\.large: the manual provider has no instance types/],
      [{ zones: ['a'] }, /zones=a: the manual provider has no availability zones; remove zones= from the constraints/],
    ];
    for (const [constraints, message] of refusals) {
      await assert.rejects(bootstrap({ environ, placement, constraints, timeouts: waitFast }), (error: unknown) => isConfigError(error) && message.test((error as Error).message));
    }
    assert.equal((await f.run('test -e /var/lib/envboot')).exitCode, 1, 'nothing was written to the host');
    assert.deepEqual(await environ.allInstances({}), [], 'nothing was enrolled');
    assert.deepEqual((await environ.storage().list({})).objects, [], 'no provider-state');

    const result = await bootstrap({ environ, placement, constraints: { cores: 1 }, timeouts: waitFast });
    assert.deepEqual(result.controller.hostKeys, [f.host.hostPublicKey.split(' ').slice(0, 2).join(' ')]);
    const before = await loadState({ storage: environ.storage() });
    await assert.rejects(addMachines({ environ, count: 1, placements: [placement], clientKey: result.clientKey, constraints: { cores: cores + 1 } }), { code: 'CONFIG_INVALID' });
    assert.equal((await loadState({ storage: environ.storage() })).version, before.version, 'no machine id was reserved');
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('refuses a host whose key is not known, naming how to make it known, and enrols nothing', async (t) => {
    const f = await fixture(t);
    if (f === undefined) return;
    const environ = f.environ({ hostKeys: {} });
    await assert.rejects(bootstrap({ environ, placement: `root@${f.host.host}:${f.host.port}`, timeouts: waitFast }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.ConfigInvalid) !== undefined, error.message);
      assert.match(error.message, /ssh-keyscan -p \d+ 127\.0\.0\.1/);
      assert.match(error.message, /--accept-new-host-key/);
      return true;
    });
    assert.equal((await f.run('test -e /var/lib/envboot')).exitCode, 1);
  });

  it('accepts a new host key only when told to, and pins it', async (t) => {
    const f = await fixture(t);
    if (f === undefined) return;
    const environ = f.environ({ hostKeys: {}, acceptNewHostKey: true });
    const result = await bootstrap({ environ, placement: `root@${f.host.host}:${f.host.port}`, timeouts: waitFast });
    assert.deepEqual(result.controller.hostKeys, [f.host.hostPublicKey.split(' ').slice(0, 2).join(' ')]);
    assert.deepEqual((await destroy({ environ })).failures, []);
  });

  it('refuses a host whose key changed', async (t) => {
    const f = await fixture(t);
    if (f === undefined) return;
    const other = generateSshKeyPair({ comment: 'someone else' }).publicKey;
    const environ = f.environ({ hostKeys: { [`[${f.host.host}]:${f.host.port}`]: [other] } });
    await assert.rejects(bootstrap({ environ, placement: `root@${f.host.host}:${f.host.port}`, timeouts: waitFast }), /presented a host key other than the one pinned .* refused/);
  });

  it('refuses a host another environment owns', async (t) => {
    const f = await fixture(t);
    if (f === undefined) return;
    const owner = randomUUID();
    await f.run(`mkdir -p /var/lib/envboot && echo ${owner} > /var/lib/envboot/environment`);
    const environ = f.environ();
    await assert.rejects(bootstrap({ environ, placement: `root@${f.host.host}:${f.host.port}`, timeouts: waitFast }), new RegExp(`already belongs to environment ${owner}`));
    assert.equal((await f.run('cat /var/lib/envboot/environment')).stdout.trim(), owner, "the owner's marker is left as it was");
  });
});

describe("manual provider on a cloud image's host (non-root default user with sudo, root refused)", () => {
  it('enrols, proves and configures the host as the default user, and releases it', async (t) => {
    const f = await fixture(t, 'debian');
    if (f === undefined) return;
    const environ = f.environ({ teardownCommands: ['echo released > /var/lib/teardown-ran'] });
    const result = await bootstrap({
      environ,
      placement: `debian@${f.host.host}:${f.host.port}`,
      timeouts: waitFast,
      controllerConfig: { runcmd: ['id -un > /var/lib/controller-configured-by'], write_files: [{ path: '/etc/envboot-test', content: 'root only\n', permissions: '0600' }] },
    });
    assert.equal(result.controller.connectedAddress.port, f.host.port);
    assert.equal((await f.run('cat /var/lib/controller-configured-by')).stdout.trim(), 'root', 'configuration ran as root through sudo');
    assert.equal((await f.run('stat -c %U:%a /var/lib/envboot/nonce')).stdout.trim(), 'root:600', "the nonce is root's, as cloud-init writes it");
    assert.equal((await f.run('stat -c %U:%a /etc/envboot-test')).stdout.trim(), 'root:600');
    const clientBlob = result.clientKey.publicKey.split(' ')[1] ?? 'x';
    assert.ok((await f.run('cat /home/debian/.ssh/authorized_keys')).stdout.includes(clientBlob), "the environment's key went to the default user");
    const asClient = await connectSsh({ host: f.host.host, port: f.host.port, user: 'debian', privateKey: result.clientKey.privateKey, hostKeys: [f.host.hostPublicKey] });
    try {
      assert.equal((await asClient.exec({ command: 'id -u' })).stdout.toString().trim() !== '0', true, 'the client logs in as the non-root user');
    } finally {
      asClient.close();
    }

    const destroyed = await destroy({ environ });
    assert.deepEqual(destroyed.failures, []);
    assert.equal((await f.run('cat /var/lib/teardown-ran')).stdout.trim(), 'released', 'the teardown ran as root through sudo');
    assert.equal((await f.run('test -e /var/lib/envboot')).exitCode, 1, "envboot's state directory is gone");
    assert.ok(!(await f.run('cat /home/debian/.ssh/authorized_keys')).stdout.includes(clientBlob), "the environment's key was removed again");
  });

  it('refuses to enrol as root on a host that refuses root, naming the default user, within seconds', async (t) => {
    const f = await fixture(t, 'debian');
    if (f === undefined) return;
    const environ = f.environ();
    const started = Date.now();
    await assert.rejects(bootstrap({ environ, placement: `root@${f.host.host}:${f.host.port}`, timeouts: waitFast }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.ConfigInvalid) !== undefined, error.message);
      assert.match(error.message, /refuses logins as root .*enrol it as debian instead/);
      return true;
    });
    assert.ok(Date.now() - started < 8_000, "not after the forced command's 10 s pause");
    assert.equal((await f.run('test -e /var/lib/envboot')).exitCode, 1, 'nothing was written to the host');
    assert.deepEqual(await environ.allInstances({}), [], 'nothing was enrolled');
  });
});
