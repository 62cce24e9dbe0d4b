import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { readMachineFiles, type MachineFileRead, type ReadMachineFilesParams } from '../../../../src/cli/environment/read-machine-files.js';
import { connectSsh, generateSshKeyPair, type SshConnection } from '../../../../src/index.js';
import { SshTestHost, type CloudUserSudo } from '../../../../src/testing/index.js';
import { requireRoot } from '../../../helpers/require-tool.js';

const client = generateSshKeyPair();
const paths = {
  configure: '/var/log/envboot/configure.log',
  output: '/var/log/cloud-init-output.log',
  result: '/run/cloud-init/result.json',
  status: '/run/cloud-init/status.json',
};

/**
 * A machine laid out as a cloud image after a failed boot: envboot's configure log root's
 * 0600 in a 0700 directory, cloud-init's output log root's 0640, its result.json anyone's,
 * no status.json. Files live under the host's root prefix (`ENVBOOT_ROOT` in its sessions).
 */
async function cloudMachine(t: TestContext, params: { defaultUser?: string; sudo?: CloudUserSudo } = {}): Promise<SshTestHost> {
  const host = await SshTestHost.start({ authorizedKeys: [client.publicKey], defaultUser: params.defaultUser, defaultUserSudo: params.sudo });
  t.after(() => host.stop());
  const at = (file: string): string => path.join(host.root, file);
  await mkdir(at('var/log/envboot'), { recursive: true, mode: 0o700 });
  await chmod(at('var/log/envboot'), 0o700);
  await writeFile(at(paths.configure), 'envboot: [1/1] runcmd[0]\nconfigured as root\n', { mode: 0o600 });
  await writeFile(at(paths.output), 'Cloud-init v. 23.1 running\n', { mode: 0o640 });
  await mkdir(at('run/cloud-init'), { recursive: true, mode: 0o755 });
  await writeFile(at(paths.result), '{"v1": {"errors": []}}\n', { mode: 0o644 });
  await mkdir(at('var/lib/cloud'), { recursive: true, mode: 0o755 });
  return host;
}

/** A connection whose `exec` calls are counted: the read must be one remote command. */
async function countedLogin(t: TestContext, host: SshTestHost, user: string): Promise<{ connection: ReadMachineFilesParams['connection']; execs: () => number; raw: SshConnection }> {
  const raw = await connectSsh({ host: host.hostname, port: host.port, user, privateKey: client.privateKey, hostKeys: [host.hostPublicKey] });
  t.after(() => { raw.close(); });
  let count = 0;
  const connection: ReadMachineFilesParams['connection'] = {
    user: raw.user,
    address: raw.address,
    exec: (params) => {
      count += 1;
      return raw.exec(params);
    },
  };
  return { connection, execs: () => count, raw };
}

function text(read: MachineFileRead | undefined): string {
  assert.ok(read?.state === 'read', JSON.stringify(read));
  return read.content.toString('utf8');
}

describe('readMachineFiles as a cloud image default user (non-root, sudo)', () => {
  it('reads what the user may directly and the rest through one sudo, in one remote command', async (t) => {
    if (!requireRoot(t, 'a non-root default user needs a private /etc and setpriv')) return;
    const host = await cloudMachine(t, { defaultUser: 'debian' });
    const { connection, execs, raw } = await countedLogin(t, host, 'debian');
    // sudo's own log counts the sudo runs: made with sudo before the read, so the setup is not in it.
    const logging = await raw.exec({ command: 'sudo -n sh -c \'printf "Defaults logfile=/var/log/sudo-count.log\\nDefaults loglinelen=0\\n" > /etc/sudoers.d/zz-count\'' });
    assert.equal(logging.exitCode, 0, logging.stderr.toString());
    const plain = await raw.exec({ command: `cat "$ENVBOOT_ROOT${paths.configure}"` });
    assert.notEqual(plain.exitCode, 0, 'debian cannot read the configure log without sudo, as on a cloud');

    const { files, cloudInit } = await readMachineFiles({ connection, paths: Object.values(paths), maxBytes: 1 << 20 });
    assert.equal(execs(), 1, 'one remote command for every file');
    const [configure, output, result, status] = files;
    assert.equal(text(configure), 'envboot: [1/1] runcmd[0]\nconfigured as root\n');
    assert.equal(text(output), 'Cloud-init v. 23.1 running\n');
    assert.equal(text(result), '{"v1": {"errors": []}}\n');
    assert.deepEqual(files.map((f) => (f.state === 'unreadable' ? f.reason : `${f.state} ${String(f.viaSudo)}`)), ['read true', 'read true', 'read false', 'absent false']);
    assert.deepEqual(status, { state: 'absent', viaSudo: false });
    assert.equal(cloudInit, true);
    const log = await raw.exec({ command: 'sudo -n cat /var/log/sudo-count.log' });
    assert.equal(log.stdout.toString().split('envboot-logs sudo').length - 1, 1, `exactly one sudo read both root-only files: ${log.stdout.toString()}`);
  });

  it('tells a missing file behind a directory the user cannot search from a present one, through sudo', async (t) => {
    if (!requireRoot(t, 'a non-root default user needs a private /etc and setpriv')) return;
    const host = await cloudMachine(t, { defaultUser: 'debian' });
    const { connection } = await countedLogin(t, host, 'debian');
    const { files } = await readMachineFiles({ connection, paths: [paths.configure, '/var/log/envboot/other.log'], maxBytes: 1 << 20 });
    assert.equal(files[0]?.state, 'read');
    assert.deepEqual(files[1], { state: 'absent', viaSudo: true });
  });

  it('still reads what it can, and says why the rest cannot be, when sudo wants a password or is missing', async (t) => {
    for (const [sudo, says] of [
      ['password', /^not readable as debian, who cannot use sudo without a password \(sudo: a password is required\)$/],
      ['missing', /^debian cannot read it \(the file or a directory above it is root's\), and sudo is not installed$/],
    ] as const) {
      if (!requireRoot(t, 'a non-root default user needs a private /etc and setpriv')) return;
      const host = await cloudMachine(t, { defaultUser: 'debian', sudo });
      const { connection } = await countedLogin(t, host, 'debian');
      const { files } = await readMachineFiles({ connection, paths: [paths.configure, paths.result], maxBytes: 1 << 20 });
      const [configure, result] = files;
      assert.ok(configure?.state === 'unreadable', sudo);
      assert.match(configure.reason, says);
      assert.equal(text(result), '{"v1": {"errors": []}}\n', `${sudo}: the readable file is read all the same`);
    }
  });
});

describe('readMachineFiles as root', () => {
  it('reads without sudo, and bytes of any value arrive as they are', async (t) => {
    const host = await cloudMachine(t);
    const { connection } = await countedLogin(t, host, 'root');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await writeFile(path.join(host.root, 'var/log/binary.log'), bytes);
    const { files } = await readMachineFiles({ connection, paths: [paths.configure, '/var/log/binary.log', paths.status], maxBytes: 1 << 20 });
    assert.deepEqual(files.map((f) => (f.state === 'unreadable' ? f.reason : `${f.state} ${String(f.viaSudo)}`)), ['read false', 'read false', 'absent false']);
    const binary = files[1];
    assert.ok(binary?.state === 'read' && binary.content.equals(bytes) && binary.size === 256);
  });

  it('sends only the end of a file larger than maxBytes, with the size it had', async (t) => {
    const host = await cloudMachine(t);
    const { connection } = await countedLogin(t, host, 'root');
    const big = Array.from({ length: 300 }, (_, i) => `line ${String(i).padStart(4, '0')}\n`).join('');
    await writeFile(path.join(host.root, 'var/log/big.log'), big);
    const { files } = await readMachineFiles({ connection, paths: ['/var/log/big.log'], maxBytes: 100 });
    const [read] = files;
    assert.ok(read?.state === 'read');
    assert.equal(read.size, big.length);
    assert.equal(read.content.toString(), big.slice(-100));
  });

  it('says cloud-init has not run on a machine without its directories', async (t) => {
    const host = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
    t.after(() => host.stop());
    const { connection } = await countedLogin(t, host, 'root');
    const { files, cloudInit } = await readMachineFiles({ connection, paths: [paths.result], maxBytes: 1000 });
    assert.equal(cloudInit, false);
    assert.deepEqual(files, [{ state: 'absent', viaSudo: false }]);
  });
});
