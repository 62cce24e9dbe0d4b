import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSshKeyPair } from '../../src/index.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { cliHome, finalResult } from '../src/cli/cli-harness.js';

describe('the envboot command on the manual provider (OpenSSH sshd in a private mount namespace)', () => {
  it('bootstraps onto an existing host, runs commands on it, and releases it on destroy', async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey] });
    if (host === undefined) return;
    const cli = await cliHome('envboot-cli-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    const { chmod } = await import('node:fs/promises');
    await chmod(identity, 0o600);
    t.after(() => cli.run(['destroy', 'existing', '--yes']));
    const target = `root@${host.host}:${host.port}`;
    const boot = await cli.run(['bootstrap', 'existing', '--provider', 'manual', '--host', target, '--identity', identity, '--host-key', host.hostPublicKey, '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const controller = (finalResult(boot)['result'] as { controller: { instanceId: string } }).controller;
    assert.equal(controller.instanceId, `manual:${host.host}:${host.port}`);

    const exec = await cli.run(['exec', 'existing', '0', '--', 'cat', '/var/lib/envboot/environment']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stdout, /^[0-9a-f-]{36}\n$/);

    const destroyed = await cli.run(['destroy', 'existing', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    const { connectSsh } = await import('../../src/index.js');
    const still = await connectSsh({ host: host.host, port: host.port, user: 'root', privateKey: operator.privateKey, hostKeys: [host.hostPublicKey] });
    try {
      const gone = await still.exec({ command: 'test -e /var/lib/envboot' });
      assert.equal(gone.exitCode, 1, 'released: the host is up, and envboot\'s files are gone');
    } finally {
      still.close();
    }
  });

  it("bootstraps onto a cloud image's host as its non-root default user, and refuses root with exit 2 naming that user", async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    if (host?.system === undefined) return;
    const cli = await cliHome('envboot-cli-manual-cloud-');
    const identity = await cli.write('operator-key', operator.privateKey);
    const { chmod } = await import('node:fs/promises');
    await chmod(identity, 0o600);
    t.after(() => cli.run(['destroy', 'cloudy', '--yes']));
    const flags = ['--provider', 'manual', '--identity', identity, '--host-key', host.hostPublicKey];

    const asRoot = await cli.run(['bootstrap', 'refused', ...flags, '--host', `root@${host.host}:${host.port}`]);
    assert.equal(asRoot.code, 2, asRoot.stderr);
    assert.match(asRoot.stderr, /refuses logins as root .*enrol it as debian instead/);

    const boot = await cli.run(['bootstrap', 'cloudy', ...flags, '--host', `debian@${host.host}:${host.port}`, '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const exec = await cli.run(['exec', 'cloudy', '0', '--', 'id -un; sudo -n cat /var/lib/envboot/environment; stat -c %U:%a /var/lib/envboot/nonce']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stdout, /^debian\n[0-9a-f-]{36}\nroot:600\n$/);

    const destroyed = await cli.run(['destroy', 'cloudy', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal((await host.system.run({ script: 'test -e /var/lib/envboot' })).status, 1, "released: envboot's files are gone");
  });

  it('refuses host flags that do not fit, with exit code 2 and nothing recorded', async () => {
    const cli = await cliHome('envboot-cli-manual-bad-');
    const cases: [string[], RegExp][] = [
      [['bootstrap', 'loc', '--host', 'root@127.0.0.1'], /are for the manual provider/],
      [['bootstrap', 'man', '--provider', 'manual'], /name it with --host user@host/],
      [['bootstrap', 'man', '--provider', 'manual', '--host', 'root@127.0.0.1', '--host-key', 'not a key'], /--host-key must be an OpenSSH public key line/],
      [['bootstrap', 'man', '--provider', 'manual', '--host', 'root@@bad'], /invalid host "root@@bad"/],
    ];
    for (const [args, says] of cases) {
      const run = await cli.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, says);
    }
    assert.deepEqual(cli.environmentDirs(), []);
  });
});
