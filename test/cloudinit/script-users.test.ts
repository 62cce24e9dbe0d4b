import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderScript } from '../../cloudinit/index.js';
import { requireRoot, requireTool } from '../helpers/require-tool.js';
import { runInSandboxedSystem } from '../helpers/sandboxed-system.js';
import { hostKeyPair } from './fixtures.js';

const client = hostKeyPair();
const host = hostKeyPair();

describe('renderScript users, SSH keys and sudo (in a private mount namespace)', () => {
  it('creates users with groups, sudo rules, locked passwords and keys; installs host keys; re-runs itself through sudo', async (t) => {
    if (!requireRoot(t, 'mount namespaces with bind mounts')) return;
    if (requireTool(t, 'unshare') === undefined || requireTool(t, 'sudo', 'Debian package sudo') === undefined) return;
    if (requireTool(t, 'useradd') === undefined) return;

    const sandboxFiles = await runInSandboxedSystem('true');
    const root = sandboxFiles.dir;
    const asRoot = path.join(root, 'as-root.sh');
    await writeFile(
      asRoot,
      renderScript(
        {
          users: [
            'default',
            { name: 'app', gecos: 'App User', shell: '/bin/sh', groups: ['adm', 'envboot-made'], ssh_authorized_keys: [client.publicKey] },
            { name: 'svc', system: true, lock_passwd: false },
          ],
          ssh_authorized_keys: [client.publicKey, client.publicKey],
          ssh_keys: { ed25519_private: host.privateKey, ed25519_public: host.publicKey },
        },
        { rootPrefix: path.join(root, 'prefix'), defaultUser: 'deployer' },
      ),
      { mode: 0o644 },
    );
    const viaSudo = path.join(root, 'via-sudo.sh');
    await writeFile(
      viaSudo,
      renderScript({ runcmd: ['id -u > "$ENVBOOT_ROOT/uid"'] }, { rootPrefix: path.join(root, 'prefix'), sudo: true }),
      { mode: 0o644 },
    );
    const run = await runInSandboxedSystem(
      [
        // The machine's login user, as a cloud image has it: passwordless sudo.
        "useradd --create-home deployer && echo 'deployer ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deployer || exit 89",
        `sh ${asRoot} || exit 90`,
        'getent passwd app svc | cut -d: -f1,5,7',
        'id -nG app',
        'passwd -S app | cut -d" " -f2',
        'stat -c "%a %U" /home/app/.ssh /home/app/.ssh/authorized_keys',
        'cat /home/app/.ssh/authorized_keys /home/deployer/.ssh/authorized_keys',
        `setpriv --reuid=deployer --regid=deployer --init-groups sh ${viaSudo} || exit 91`,
      ].join('\n'),
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const lines = run.stdout.split('\n').filter((line) => !line.startsWith('envboot: ') && line !== '');
    assert.deepEqual(lines, [
      'app:App User:/bin/sh',
      'svc::/bin/sh',
      'app adm envboot-made',
      'L',
      '700 app',
      '600 app',
      client.publicKey,
      client.publicKey,
    ]);
    assert.equal((await readFile(path.join(root, 'prefix/uid'), 'utf8')).trim(), '0', 'the sudo script ran as root');
    const keyFile = path.join(root, 'prefix/etc/ssh/ssh_host_ed25519_key');
    assert.equal(await readFile(keyFile, 'utf8'), host.privateKey);
    assert.equal(await readFile(`${keyFile}.pub`, 'utf8'), `${host.publicKey}\n`);
    assert.doesNotMatch(await readFile('/etc/passwd', 'utf8'), /^app:/m, 'the machine itself has no new user');
  });

  it('reloads the running sshd under the unit name the distribution uses (ssh on Debian, sshd on the RHEL family)', async (t) => {
    if (!requireRoot(t, 'mount namespaces with bind mounts')) return;
    if (requireTool(t, 'unshare') === undefined) return;
    const sandbox = await runInSandboxedSystem('true');
    const bin = path.join(sandbox.dir, 'bin');
    const script = path.join(sandbox.dir, 'keys.sh');
    await writeFile(script, renderScript({ ssh_keys: { ed25519_private: host.privateKey, ed25519_public: host.publicKey } }), { mode: 0o644 });
    await mkdir(bin);
    const reloads: string[] = [];
    for (const unit of ['ssh', 'sshd']) {
      // A systemctl that knows one active unit and logs what it is asked to reload.
      const log = path.join(sandbox.dir, `reloaded-${unit}`);
      await writeFile(path.join(bin, 'systemctl'), `#!/bin/sh\ncase "$1" in\n  is-active) [ "$3" = ${unit} ] ;;\n  reload) echo "$2" >> ${log} ;;\nesac\n`, { mode: 0o755 });
      const run = await runInSandboxedSystem(`PATH=${bin}:$PATH sh ${script}`);
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      reloads.push((await readFile(log, 'utf8')).trim());
    }
    assert.deepEqual(reloads, ['ssh', 'sshd']);
  });
});
