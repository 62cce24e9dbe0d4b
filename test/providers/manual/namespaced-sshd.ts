import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { generateSshKeyPair } from '../../../src/index.js';
import { closedPort } from '../../../src/testing/index.js';
import { requireRoot, requireTool } from '../../helpers/require-tool.js';
import { tempDir } from '../../helpers/temp-dir.js';

export interface NamespacedSshd {
  readonly host: string;
  readonly port: number;
  readonly hostPublicKey: string;
  stop(): Promise<void>;
}

/**
 * An "existing host" for the manual provider: OpenSSH's real sshd on 127.0.0.1, run in a
 * private mount namespace where /root, /var/lib and /var/log are empty tmpfs mounts, so
 * that every change an enrolment makes (marker, nonce, authorized_keys, configure log)
 * lands there and vanishes with sshd, never on the test machine. Root logs in with
 * `authorizedKeys` (from the test's own file) or with keys added to /root/.ssh.
 */
export async function startNamespacedSshd(t: TestContext, params: { authorizedKeys: readonly string[] }): Promise<NamespacedSshd | undefined> {
  const sshd = requireTool(t, 'sshd', 'Debian package openssh-server');
  if (sshd === undefined || requireTool(t, 'unshare', 'the host runs in a private mount namespace') === undefined) return undefined;
  if (!requireRoot(t, "sshd's privilege separation and the mount namespace")) return undefined;
  const dir = await tempDir('envboot-manual-host-');
  const hostKey = generateSshKeyPair({ comment: 'manual-host' });
  await writeFile(path.join(dir, 'host_ed25519'), hostKey.privateKey, { mode: 0o600 });
  await writeFile(path.join(dir, 'authorized_keys'), `${params.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const port = await closedPort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')} .ssh/authorized_keys`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'LogLevel ERROR',
  ].join('\n');
  await writeFile(path.join(dir, 'sshd_config'), `${config}\n`);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const setup = ['set -e', 'for d in /root /var/lib /var/log; do mount -t tmpfs -o mode=0755 tmpfs "$d"; done', 'chmod 700 /root', `exec ${sshd} -D -e -f ${path.join(dir, 'sshd_config')}`].join('\n');
  const child: ChildProcess = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', setup], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  t.after(stop);
  for (let tries = 0; ; tries += 1) {
    if (await accepts(port)) break;
    if (child.exitCode !== null || tries > 150) {
      await stop();
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { host: '127.0.0.1', port, hostPublicKey: hostKey.publicKey, stop };
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
