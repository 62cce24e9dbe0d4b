import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  connectSsh,
  generateSshKeyPair,
  machineTags,
  machineUserData,
  waitSSH,
  type SshConnection,
} from '../../src/index.js';
import { isRunning, processesMentioning } from '../helpers/processes.js';
import { openQemu, refreshable } from '../providers/qemu/fixtures.js';
import { cliHome, finalResult, jsonLines } from '../src/cli/cli-harness.js';
import { leftovers } from './cli-fixtures.js';


async function run(connection: SshConnection, command: string): Promise<string> {
  const ran = await connection.exec({ command });
  assert.equal(ran.exitCode, 0, `${command}: ${ran.stderr.toString()}`);
  return ran.stdout.toString();
}

describe('the manual provider onto a qemu VM (a real cloud image: root refused, the default user has sudo)', () => {
  it('refuses root naming the default user, enrols as debian through sudo, runs commands, and releases the host on destroy', async (t) => {
    const fixture = await openQemu(t, { prefix: 'envboot-manual-on-qemu-' });
    if (fixture === undefined) return;
    const { environ, dataDir, image } = fixture;
    // The VM is "an existing host": booted once by the qemu provider, with the operator's key for its default user.
    const operator = generateSshKeyPair({ comment: 'operator@manual-on-qemu' });
    const secrets = machineUserData({ clientPublicKey: operator.publicKey, machineId: '0', capabilities: environ.capabilities });
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags: machineTags(environ.environment, '0') });
    const port = instance.addresses[0]?.port ?? 0;
    const hostKey = secrets.hostKey.publicKey;
    const login = { host: '127.0.0.1', port, user: image.defaultUser, privateKey: operator.privateKey, hostKeys: [hostKey] };
    const booted = await waitSSH({ instance: refreshable(environ, instance.id), ...login, nonce: secrets.nonce, timeoutMs: 300_000 });
    try {
      assert.equal(await run(booted.connection, 'cloud-init status --wait >/dev/null; cloud-init status'), 'status: done\n');
    } finally {
      booted.connection.close();
    }
    const qemu = processesMentioning(dataDir);
    assert.equal(qemu.length, 1);

    const cli = await cliHome('envboot-cli-manual-qemu-');
    t.after(() => cli.run(['destroy', 'host', '--yes']));
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    const access = ['--identity', identity, '--host-key', hostKey];

    const rootStarted = Date.now();
    const asRoot = await cli.run(['bootstrap', 'as-root', '--provider', 'manual', '--host', `root@127.0.0.1:${port}`, ...access]);
    const rootMs = Date.now() - rootStarted;
    assert.equal(asRoot.code, 2, asRoot.stderr);
    assert.match(asRoot.stderr, /127\.0\.0\.1:\d+ refuses logins as root \("Please login as the user \\?"debian\\?" rather than the user \\?"root\\?"\.[^)]*\): enrol it as debian instead \(--host debian@HOST\)/);
    assert.ok(rootMs < 15_000, `refused at once (${rootMs} ms)`);
    t.diagnostic(`root refused in ${rootMs} ms`);
    assert.deepEqual(cli.environmentDirs(), [], 'nothing recorded');

    const controllerConfig = [
      '#cloud-config',
      'write_files:',
      '  - path: /etc/envboot-e2e/app.conf',
      '    content: "managed by envboot\\n"',
      'runcmd:',
      '  - echo "configured as $(id -un)" > /root/configured-by',
    ].join('\n');
    const configFile = await cli.write('controller.yaml', `${controllerConfig}\n`);
    const boot = await cli.run(['bootstrap', 'host', '--provider', 'manual', '--host', `debian@127.0.0.1:${port}`, ...access, '--cloud-config', configFile, '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout.slice(-3000));
    const booted0 = finalResult(boot)['result'] as { environment: { uuid: string }; controller: { instanceId: string } };
    assert.equal(booted0.controller.instanceId, `manual:127.0.0.1:${port}`);
    const connected = jsonLines(boot).find((e) => e['type'] === 'wait-ssh' && (e['event'] as { type: string }).type === 'wait-ssh.connected');
    assert.ok(connected !== undefined, 'proved by its nonce over SSH');

    const exec = async (command: string): Promise<string> => {
      const ran = await cli.run(['exec', 'host', '0', '--', command]);
      assert.equal(ran.code, 0, `${command}: ${ran.stderr}`);
      return ran.stdout;
    };
    assert.equal(await exec('id -un; sudo -n id -un'), 'debian\nroot\n', 'exec runs as debian, who has sudo');
    assert.equal(await exec('sudo -n cat /root/configured-by; cat /etc/envboot-e2e/app.conf'), 'configured as root\nmanaged by envboot\n', 'configured as root, through sudo');
    // The nonce is root's alone: debian could only have read it through sudo.
    assert.equal(
      await exec('stat -c "%U %a %n" /var/lib/envboot/nonce /var/lib/envboot/environment; test -r /var/lib/envboot/nonce || echo "not readable by $(id -un)"'),
      'root 600 /var/lib/envboot/nonce\nroot 644 /var/lib/envboot/environment\nnot readable by debian\n',
    );
    assert.equal(await exec('cat /var/lib/envboot/environment'), `${booted0.environment.uuid}\n`);
    assert.equal(await exec('grep -c . ~/.ssh/authorized_keys'), '2\n', "the operator's key and the environment's");

    const destroyed = await cli.run(['destroy', 'host', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
    assert.deepEqual(qemu.filter(isRunning), qemu, 'released, not shut down: the VM runs on');
    const still = await connectSsh(login);
    try {
      assert.equal(await run(still, 'test -e /var/lib/envboot && echo present || echo gone; grep -c . ~/.ssh/authorized_keys'), 'gone\n1\n', "envboot's files and the environment's key are gone");
    } finally {
      still.close();
    }

    await environ.stopInstances({ ids: [instance.id] });
    assert.deepEqual(await environ.teardown({}), { removed: [], failures: [] });
    assert.deepEqual(processesMentioning(dataDir), [], 'the VM is stopped');
  });
});
