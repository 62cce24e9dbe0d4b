import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellQuote } from '../../cloudinit/index.js';

export type CloudUserSudo = 'passwordless' | 'password' | 'missing';

export interface CloudUserSystemParams {
  /** The image's default user: `ubuntu`, `debian`, `ec2-user`. */
  readonly user: string;
  /**
   * What sudo gives the user: nothing asked (`passwordless`, as on every cloud image; the
   * default), a password it cannot give (`password`), or no sudo at all (`missing`), to
   * test how envboot refuses such machines.
   */
  readonly sudo?: CloudUserSudo | undefined;
  /** Directories replaced by empty tmpfs mounts, e.g. `/root`, `/var/lib`. */
  readonly emptyDirectories?: readonly string[];
}

/** A command line to spawn inside the system: `file` and `args` for `spawn`. */
export interface SystemCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * A private view of this host's system, made the way a cloud image is: a copy of `/etc`
 * in which the default user exists (home in `/home`, not locked, passwordless sudo through
 * `/etc/sudoers.d`, as cloud-init's `default_user` sets it up) and an empty `/home`, in a
 * mount namespace of its own, so that nothing touches the real account database. Test SSH
 * servers run their sessions in it as that user, and OpenSSH's sshd runs in it whole.
 * Needs root (mount namespaces, `useradd`) and util-linux's `unshare`, `nsenter` and
 * `setpriv`. `stop` ends the namespace and removes its files.
 *
 * @example
 * const system = await CloudUserSystem.start({ user: 'debian' });
 * const { file, args } = system.command({ as: 'user', argv: ['/bin/sh', '-c', 'sudo -n id -u'] });
 */
export class CloudUserSystem {
  readonly user: string;
  readonly home: string;
  readonly #holder: ChildProcess;
  readonly #dir: string;

  private constructor(params: { user: string; holder: ChildProcess; dir: string }) {
    this.user = params.user;
    this.home = `/home/${params.user}`;
    this.#holder = params.holder;
    this.#dir = params.dir;
  }

  static async start(params: CloudUserSystemParams): Promise<CloudUserSystem> {
    if (process.getuid?.() !== 0) throw new Error('a cloud-user system needs root (mount namespaces and useradd)');
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(params.user)) throw new Error(`not a valid user name: ${params.user}`);
    const dir = await mkdtemp(path.join(tmpdir(), 'envboot-cloud-user-'));
    const holder = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', setupScript(params)], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SYSTEM: dir },
      // Standard input stays open while the system lives: when this process goes, even by
      // SIGKILL, the pipe closes, the holder exits and the namespace with its mounts ends.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      await ready(holder);
    } catch (error) {
      holder.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return new CloudUserSystem({ user: params.user, holder, dir });
  }

  /**
   * How to run `argv` inside the system: as the default user (its groups, its home) or as
   * root. The environment is the caller's to give; a login's is `loginEnvironment`.
   */
  command(params: { as: 'user' | 'root'; argv: readonly string[] }): SystemCommand {
    // A holder that is gone leaves a pid that may be another process's: never enter that.
    if (this.#holder.exitCode !== null || this.#holder.signalCode !== null) throw new Error('the cloud-user system has stopped');
    const enter = ['--target', String(this.#holder.pid), '--mount', '--'];
    const drop = params.as === 'user' ? ['setpriv', `--reuid=${this.user}`, `--regid=${this.user}`, '--init-groups', '--'] : [];
    return { file: 'nsenter', args: [...enter, ...drop, ...params.argv] };
  }

  /**
   * Runs a shell script inside the system (as root by default) and resolves with its
   * status and output; for setting up and inspecting the machine from a test.
   */
  run(params: { script: string; as?: 'user' | 'root'; stdin?: string }): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const { file, args } = this.command({ as: params.as ?? 'root', argv: ['/bin/sh', '-c', params.script] });
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { env: this.loginEnvironment(params.as === 'user' ? {} : { HOME: '/root', USER: 'root', LOGNAME: 'root' }) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (status) => { resolve({ status, stdout, stderr }); });
      // A script that never reads its input may exit before it is written: not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(params.stdin ?? '');
    });
  }

  /** The environment sshd would give the default user's session. */
  loginEnvironment(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: this.home, USER: this.user, LOGNAME: this.user, SHELL: '/bin/sh', ...extra };
  }

  /** Ends the namespace (every mount in it) and removes the copied system files. Idempotent. */
  async stop(): Promise<void> {
    const holder = this.#holder;
    if (holder.exitCode === null && holder.signalCode === null) {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.stdin?.end();
      holder.kill('SIGTERM');
      await exited;
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}

function setupScript(params: CloudUserSystemParams): string {
  const user = params.user;
  return [
    'set -e',
    // The copy of /etc (shadow, host keys) lives in a tmpfs of this namespace: it goes with
    // the namespace on every path, a killed test run included, and never reaches the disk.
    'mount -t tmpfs -o mode=0700 tmpfs "$SYSTEM"',
    'cp -a /etc "$SYSTEM/etc"',
    'mount --bind "$SYSTEM/etc" /etc',
    'mount -t tmpfs -o mode=0755 tmpfs /home',
    // useradd writes lastlog and faillog there: the host's logs stay untouched.
    'mount -t tmpfs -o mode=0755 tmpfs /var/log',
    ...(params.emptyDirectories ?? []).map((d) => `mount -t tmpfs -o mode=0755 tmpfs ${shellQuote(d)}`),
    `useradd --no-log-init --create-home --shell /bin/sh --user-group ${user}`,
    // Not locked: OpenSSH without PAM refuses a locked account even with a valid key.
    `usermod -p '*' ${user}`,
    ...sudoSetup(user, params.sudo ?? 'passwordless'),
    'echo ready',
    'exec cat >/dev/null',
  ].join('\n');
}

function sudoSetup(user: string, sudo: CloudUserSudo): string[] {
  // A file the user cannot execute hides sudo from `command -v`, as if it were not installed.
  if (sudo === 'missing') return ['mount --bind /dev/null /usr/bin/sudo'];
  const rule = sudo === 'passwordless' ? 'ALL=(ALL) NOPASSWD:ALL' : 'ALL=(ALL) ALL';
  return [`printf '%s ${rule}\\n' ${user} > /etc/sudoers.d/90-cloud-init-users`, 'chmod 0440 /etc/sudoers.d/90-cloud-init-users'];
}

function ready(holder: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    holder.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
    holder.stdout?.once('data', () => {
      resolve();
    });
    holder.once('error', reject);
    holder.once('exit', (code) => {
      reject(new Error(`setting up the cloud-user system failed (exit ${String(code)}): ${stderr.trim()}`));
    });
  });
}
