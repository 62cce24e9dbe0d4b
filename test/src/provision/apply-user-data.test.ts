import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  applyUserData,
  connectSsh,
  ErrorCode,
  generateSshKeyPair,
  isCancelled,
  isRemoteCommandFailed,
  isSshAuthRefused,
  machineUserData,
  waitSSH,
  type MachineExec,
  type SshConnection,
} from '../../../src/index.js';
import { CloudUserSystem, type CloudUserSudo } from '../../../src/testing/index.js';
import { startOpenSsh } from '../../helpers/openssh-server.js';
import { requireRoot, requireTool } from '../../helpers/require-tool.js';

const client = generateSshKeyPair({ comment: 'client' });
/** The key a cloud's own agent would run commands with: not the environment's. */
const agent = generateSshKeyPair({ comment: 'cloud-agent' });
const capabilities = { maxUserDataBytes: 16_384, userDataGzip: true };
const nonceStep = 'write_files[0] /var/lib/envboot/nonce';

/** Runs commands over an SSH connection, as a provider with SSH access of its own would. */
function sshExec(connection: SshConnection): MachineExec {
  return async (command, { stdin, signal }) => {
    const result = await connection.exec({ command, stdin, ...(signal === undefined ? {} : { signal }) });
    return { code: result.exitCode ?? null, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
  };
}

/** Runs commands inside a cloud-like system, as root or as its default user. */
function systemExec(system: CloudUserSystem, as: 'root' | 'user'): MachineExec {
  return async (command, { stdin }) => {
    const ran = await system.run({ script: command, as, stdin });
    return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr };
  };
}

async function cloudSystem(t: TestContext, user: string, sudo: CloudUserSudo = 'passwordless'): Promise<CloudUserSystem | undefined> {
  if (!requireRoot(t, 'a cloud-like system needs mount namespaces and useradd')) return undefined;
  for (const tool of ['unshare', 'nsenter', 'setpriv', 'sudo']) if (requireTool(t, tool) === undefined) return undefined;
  // The nonce lands in /var/lib: an empty one of the system's own, never this host's.
  const system = await CloudUserSystem.start({ user, sudo, emptyDirectories: ['/var/lib'] });
  t.after(() => system.stop());
  return system;
}

async function asRoot(system: CloudUserSystem, script: string): Promise<string> {
  const ran = await system.run({ script });
  assert.equal(ran.status, 0, ran.stderr);
  return ran.stdout.trim();
}

describe('applyUserData', () => {
  it("applies host keys, the SSH user's key and the nonce last, over SSH as a non-root user with sudo (OpenSSH's sshd)", async (t) => {
    const sshd = await startOpenSsh(t, { authorizedKeys: [agent.publicKey], defaultUser: 'ubuntu', emptyDirectories: ['/var/lib'] });
    if (sshd?.system === undefined) return;
    const system = sshd.system;
    const target = { host: sshd.host, port: sshd.port, user: 'ubuntu', hostKeys: [sshd.hostPublicKey] };
    await assert.rejects(connectSsh({ ...target, privateKey: client.privateKey }), isSshAuthRefused, 'the client key cannot log in before');
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '3', capabilities });
    const connection = await connectSsh({ ...target, privateKey: agent.privateKey });
    t.after(() => { connection.close(); });

    const applied = await applyUserData({ userData: secrets.userData, exec: sshExec(connection), user: 'ubuntu' });
    assert.deepEqual(applied.steps, ['ssh_keys', 'ssh_authorized_keys ubuntu', nonceStep]);
    assert.equal(await asRoot(system, 'cat /etc/ssh/ssh_host_ed25519_key.pub'), secrets.hostKey.publicKey.trim());
    assert.equal(await asRoot(system, 'cat /etc/ssh/ssh_host_ed25519_key'), secrets.hostKey.privateKey.trim());
    const modes = 'stat -c "%a %U" /etc/ssh/ssh_host_ed25519_key /home/ubuntu/.ssh /home/ubuntu/.ssh/authorized_keys /var/lib/envboot/nonce';
    assert.deepEqual((await asRoot(system, modes)).split('\n'), ['600 root', '700 ubuntu', '600 ubuntu', '600 root']);
    assert.equal(await asRoot(system, 'ls /tmp | grep -c envboot-user-data || true'), '0', 'the script is removed');

    // What envboot does next: log in with the client key as the SSH user and prove the nonce (through sudo).
    const waited = await waitSSH({
      instance: { id: 'sshd', refresh: () => Promise.resolve({ status: 'running', addresses: [{ value: sshd.host, port: sshd.port, scope: 'public' }] }) },
      user: 'ubuntu',
      privateKey: client.privateKey,
      hostKeys: [sshd.hostPublicKey],
      nonce: secrets.nonce,
      timeoutMs: 10_000,
    });
    waited.connection.close();

    const again = await applyUserData({ userData: secrets.userData, exec: sshExec(connection), user: 'ubuntu' });
    assert.deepEqual(again.steps, applied.steps);
    const key = client.publicKey.trim().split(' ').slice(0, 2).join(' ');
    assert.equal(await asRoot(system, `grep -c '${key}' /home/ubuntu/.ssh/authorized_keys`), '1', 'the key is not added twice');
    assert.equal(await asRoot(system, 'cat /var/lib/envboot/nonce'), secrets.nonce);
  });

  it('needs no sudo when exec runs as root', async (t) => {
    const system = await cloudSystem(t, 'debian');
    if (system === undefined) return;
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities });
    const applied = await applyUserData({ userData: secrets.userData, exec: systemExec(system, 'root'), user: 'debian' });
    assert.deepEqual(applied.steps, ['ssh_keys', 'ssh_authorized_keys debian', nonceStep]);
    assert.equal(await asRoot(system, 'cat /home/debian/.ssh/authorized_keys'), client.publicKey.trim());
    assert.equal(await asRoot(system, 'cat /var/lib/envboot/nonce'), secrets.nonce);
  });

  it('writes no nonce when a step fails, and names the step', async (t) => {
    const system = await cloudSystem(t, 'debian');
    if (system === undefined) return;
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities });
    const error = await applyUserData({ userData: secrets.userData, exec: systemExec(system, 'root'), user: 'nobody-here' }).then(
      () => assert.fail('a missing user must fail'),
      (e: unknown) => e,
    );
    assert.ok(isRemoteCommandFailed(error));
    assert.match((error as Error).message, /at step ssh_authorized_keys nobody-here: envboot: user "nobody-here" does not exist/);
    assert.ok(!(error as Error).message.includes(secrets.nonce), 'no secret in the message');
    assert.equal(await asRoot(system, 'test -e /var/lib/envboot/nonce && echo there || echo absent'), 'absent');
  });

  it("says why when exec's user has no passwordless sudo", async (t) => {
    const system = await cloudSystem(t, 'ubuntu', 'password');
    if (system === undefined) return;
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities });
    await assert.rejects(applyUserData({ userData: secrets.userData, exec: systemExec(system, 'user'), user: 'ubuntu' }), (error: Error) => {
      assert.equal((error as { code?: string }).code, ErrorCode.RemoteCommandFailed);
      assert.match(error.message, /before its first step \(exec must run as root, or as a user with passwordless sudo\): .*password/);
      return true;
    });
    assert.equal(await asRoot(system, 'test -e /var/lib/envboot/nonce && echo there || echo absent'), 'absent');
  });

  it('is CANCELLED, running nothing, with an aborted signal', async () => {
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities });
    const exec: MachineExec = () => assert.fail('nothing may run');
    const signal = AbortSignal.abort(new Error('given up'));
    await assert.rejects(applyUserData({ userData: secrets.userData, exec, user: 'ubuntu', signal }), isCancelled);
  });

  it('turns an exec that rejects into REMOTE_COMMAND_FAILED, and into CANCELLED when the signal aborted it', async () => {
    const secrets = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities });
    const lost: MachineExec = () => Promise.reject(new Error('the connection was lost'));
    await assert.rejects(applyUserData({ userData: secrets.userData, exec: lost, user: 'ubuntu' }), (error: Error) => {
      assert.equal((error as { code?: string }).code, ErrorCode.RemoteCommandFailed);
      assert.match(error.message, /the exec function failed before the script finished/);
      assert.match((error.cause as Error).message, /the connection was lost/);
      return true;
    });
    const controller = new AbortController();
    const aborted: MachineExec = () => {
      controller.abort(new Error('operator pressed Ctrl-C'));
      return Promise.reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    };
    await assert.rejects(applyUserData({ userData: secrets.userData, exec: aborted, user: 'ubuntu', signal: controller.signal }), isCancelled);
  });
});
