import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { shellQuote } from '../../cloudinit/index.js';
import { generateSshKeyPair } from '../../src/index.js';
import { CloudUserSystem, closedPort, loginRefusal } from '../../src/testing/index.js';
import { requireRoot, requireTool } from './require-tool.js';
import { tempDir } from './temp-dir.js';

export interface OpenSshParams {
  readonly authorizedKeys: readonly string[];
  /**
   * Run sshd in a private mount namespace with these directories emptied (tmpfs), e.g.
   * `/root`, `/var/lib`, `/var/log`: the test's sessions may then change them freely.
   */
  readonly emptyDirectories?: readonly string[];
  /**
   * Be a cloud image: this non-root user with passwordless sudo logs in with the keys,
   * root's copy of them sits behind cloud-init's forced "Please login as …" command, and
   * sshd runs in the private system of `CloudUserSystem` (with `emptyDirectories`, and
   * `/root` always empty). Default: the keys log in as any user, root included.
   */
  readonly defaultUser?: string;
}

export interface OpenSshServer {
  readonly host: string;
  readonly port: number;
  readonly hostPublicKey: string;
  /** A private directory for the test's files (nonce, root prefix). */
  readonly dir: string;
  /** The cloud-like system sshd runs in, when `defaultUser` was given: run commands in it as root. */
  readonly system?: CloudUserSystem;
  stop(): Promise<void>;
}

/**
 * OpenSSH's real sshd on 127.0.0.1 with a temporary config: its own host key and
 * authorized_keys file, no PAM, keys only. Needs root (sshd's privilege separation) and
 * the openssh-server package; skipped without them, failing instead in CI.
 * Returns undefined when the test was skipped.
 */
export async function startOpenSsh(t: TestContext, params: OpenSshParams): Promise<OpenSshServer | undefined> {
  const sshd = requireTool(t, 'sshd', 'Debian package openssh-server');
  if (sshd === undefined || !requireRoot(t, "sshd's privilege separation")) return undefined;
  const emptied = params.emptyDirectories ?? [];
  if (emptied.length > 0 && requireTool(t, 'unshare', 'sshd runs in a private mount namespace') === undefined) return undefined;
  const dir = await tempDir('envboot-sshd-');
  const hostKey = generateSshKeyPair({ comment: 'sshd-test' });
  await writeFile(path.join(dir, 'host_ed25519'), hostKey.privateKey, { mode: 0o600 });
  await writeFile(path.join(dir, 'authorized_keys'), `${params.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const port = await closedPort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    // The users' own files too, when the test lets the code under test add keys there.
    params.defaultUser === undefined
      ? `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}${emptied.length > 0 ? ' .ssh/authorized_keys' : ''}`
      : 'AuthorizedKeysFile .ssh/authorized_keys',
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'LogLevel ERROR',
  ].join('\n');
  await writeFile(path.join(dir, 'sshd_config'), `${config}\n`);
  // sshd refuses to start without its privilege separation directory, which the package's
  // service unit normally creates.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const command = [sshd, '-D', '-e', '-f', path.join(dir, 'sshd_config')];
  const system = params.defaultUser === undefined ? undefined : await cloudImageSystem({ user: params.defaultUser, keys: params.authorizedKeys, emptied });
  // In a private mount namespace, with empty tmpfs mounts over the given directories: what sessions write there vanishes with sshd.
  const mounts = emptied.map((d) => `mount -t tmpfs -o mode=0755 tmpfs ${d}`).join(' && ');
  const inSystem = system?.command({ as: 'root', argv: command });
  const child: ChildProcess =
    inSystem !== undefined
      ? spawn(inSystem.file, inSystem.args, { stdio: ['ignore', 'ignore', 'pipe'] })
      : emptied.length === 0
        ? spawn(sshd, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
        : spawn('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', `set -e; ${mounts}; exec ${command.join(' ')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await system?.stop();
  };
  t.after(stop);
  for (let tries = 0; ; tries += 1) {
    if (await accepts(port)) break;
    if (child.exitCode !== null || tries > 100) {
      await stop();
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { host: '127.0.0.1', port, hostPublicKey: hostKey.publicKey, dir, stop, ...(system === undefined ? {} : { system }) };
}

/**
 * The system a cloud image gives: the default user with the keys and passwordless sudo,
 * root's keys behind cloud-init's forced command, and the given directories emptied.
 */
async function cloudImageSystem(params: { user: string; keys: readonly string[]; emptied: readonly string[] }): Promise<CloudUserSystem> {
  const system = await CloudUserSystem.start({ user: params.user, emptyDirectories: [...new Set(['/root', ...params.emptied])] });
  const refusal = loginRefusal(params.user).replaceAll('"', '\\"');
  const rootKeys = params.keys.map((key) => `no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command="${refusal}" ${key}`);
  const home = `/home/${params.user}`;
  const ran = await system.run({
    script: [
      'set -e',
      `install -d -m 0700 -o ${params.user} -g ${params.user} ${home}/.ssh`,
      `printf '%s\\n' ${shellQuote(params.keys.join('\n'))} > ${home}/.ssh/authorized_keys`,
      `chown ${params.user}: ${home}/.ssh/authorized_keys && chmod 0600 ${home}/.ssh/authorized_keys`,
      'install -d -m 0700 /root/.ssh',
      'cat > /root/.ssh/authorized_keys',
    ].join('\n'),
    stdin: `${rootKeys.join('\n')}\n`,
  });
  if (ran.status !== 0) {
    await system.stop();
    throw new Error(`setting up the default user's keys failed: ${ran.stderr}`);
  }
  return system;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => { resolve(false); });
  });
}
