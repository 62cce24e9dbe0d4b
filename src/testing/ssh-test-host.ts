import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { generateSshKeyPair, type SshKeyPair } from '../ssh/keys.js';
import { authorizedKeyMatches, parseAuthorizedKey, type AuthorizedKey } from '../ssh/server-auth.js';
import { bridgeChannel } from '../ssh/server-channel.js';
import { killProcessGroup } from '../util/kill-group.js';
import { CloudUserSystem, type CloudUserSudo } from './cloud-user-system.js';
import { loginKeysFile, type LoginKeysFile } from './login-keys-file.js';
import { loginRefusal } from './login-refusal.js';

export interface SshTestHostParams {
  /** Public keys (OpenSSH lines) allowed to log in; others are refused. */
  readonly authorizedKeys: readonly string[];
  /** The host key; a fresh ed25519 pair by default. */
  readonly hostKey?: SshKeyPair;
  /** Written to `<root>/var/lib/envboot/nonce` when given. */
  readonly nonce?: string;
  /** Loopback address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  /**
   * A jump host's view of a fake network: where a forwarded connection to `host:port`
   * really goes (a loopback address), or undefined to refuse it. Without it, only
   * loopback destinations are forwarded.
   */
  readonly network?: (destination: { readonly host: string; readonly port: number }) => { host: string; port: number } | undefined;
  /**
   * Behave like a cloud image: log in as this non-root user (passwordless sudo, home in
   * `/home`, see `CloudUserSystem`), refuse `root` the way cloud-init does (a forced
   * "Please login as the user …" that exits 142) and every other user outright. The
   * nonce is then root's, mode 0600, as cloud-init writes it. Needs root. Default: every
   * user name is accepted and commands run as this process's user.
   */
  readonly defaultUser?: string | undefined;
  /** What sudo gives the default user; see `CloudUserSystemParams.sudo`. */
  readonly defaultUserSudo?: CloudUserSudo | undefined;
  /**
   * Write `authorizedKeys` to the login user's `~/.ssh/authorized_keys` at start and read
   * that file at every login, as sshd does, so that editing it over SSH takes effect (see
   * `loginKeysFile`). Default false: `authorizedKeys` alone decide.
   */
  readonly authorizedKeysFile?: boolean | undefined;
}

/**
 * A real SSH server for tests, on ssh2's `Server`: its own host key, public-key
 * authentication, commands run by a real `/bin/sh` with `ENVBOOT_ROOT` (and HOME, and the
 * working directory) set to the host's own directory, so that `${ENVBOOT_ROOT}/var/lib/
 * envboot/nonce` is this machine's nonce; port forwarding to loopback only, so it can be
 * a jump host. `stop` ends every session, process and socket it started and removes its
 * directory.
 *
 * @example
 * const host = await SshTestHost.start({ authorizedKeys: [client.publicKey], nonce });
 * // connect to host.hostname:host.port, pinning host.hostPublicKey
 * await host.stop();
 */
export class SshTestHost {
  readonly hostname: string;
  readonly port: number;
  readonly root: string;
  readonly hostPublicKey: string;
  readonly #server: ssh2.Server;
  readonly #clients = new Set<ssh2.Connection>();
  readonly #children = new Set<ChildProcess>();
  readonly #sockets = new Set<net.Socket>();
  readonly #network: SshTestHostParams['network'];
  readonly #system: CloudUserSystem | undefined;
  #loginKeys: LoginKeysFile | undefined;

  private constructor(params: {
    server: ssh2.Server;
    hostname: string;
    port: number;
    root: string;
    hostPublicKey: string;
    network: SshTestHostParams['network'];
    system: CloudUserSystem | undefined;
  }) {
    this.#server = params.server;
    this.#network = params.network;
    this.#system = params.system;
    this.hostname = params.hostname;
    this.port = params.port;
    this.root = params.root;
    this.hostPublicKey = params.hostPublicKey;
  }

  static async start(params: SshTestHostParams): Promise<SshTestHost> {
    const hostKey = params.hostKey ?? generateSshKeyPair({ comment: 'envboot-test-host' });
    const root = await mkdtemp(path.join(tmpdir(), 'envboot-ssh-host-'));
    let system: CloudUserSystem | undefined;
    let server: ssh2.Server | undefined;
    try {
      system = params.defaultUser === undefined ? undefined : await CloudUserSystem.start({ user: params.defaultUser, sudo: params.defaultUserSudo });
      // The default user walks the machine's tree as on a real one; root's files stay root's.
      if (system !== undefined) await chmod(root, 0o755);
      const allowed = params.authorizedKeys.map((key) => parseAuthorizedKey(key));
      const started: { host?: SshTestHost } = {};
      const listening = new ssh2.Server({ hostKeys: [hostKey.privateKey] }, (client) => {
        if (started.host === undefined) client.end();
        else started.host.#accept(client, allowed);
      });
      server = listening;
      listening.on('error', () => undefined);
      const hostname = params.host ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(params.port ?? 0, hostname, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      const port = (listening.address() as net.AddressInfo).port;
      const host = new SshTestHost({ server: listening, hostname, port, root, hostPublicKey: hostKey.publicKey, network: params.network, system });
      if (params.authorizedKeysFile === true) {
        const keysFile = loginKeysFile({ root, system });
        await keysFile.seed(params.authorizedKeys);
        host.#loginKeys = keysFile;
      }
      started.host = host;
      if (params.nonce !== undefined) await host.writeNonce(params.nonce);
      return host;
    } catch (error) {
      // Nothing half-made outlives a failed start: the listener, the system, the directory.
      if (server?.listening === true) await new Promise((resolve) => server?.close(resolve));
      await system?.stop();
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** SSH clients connected right now: tests check that losers of a race were closed. */
  get connectedClients(): number {
    return this.#clients.size;
  }

  /** The user sessions run as: the default user, or this process's user. */
  get user(): string | undefined {
    return this.#system?.user;
  }

  /** Writes (or replaces) this machine's nonce file as cloud-init's last step would: 0600, this process's. */
  async writeNonce(nonce: string): Promise<void> {
    await mkdir(path.join(this.root, 'var/lib/envboot'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(this.root, 'var/lib/envboot/nonce'), `${nonce}\n`, { mode: 0o600 });
  }

  /** Stops listening, ends every session and process, and removes the host's directory. */
  async stop(): Promise<void> {
    for (const child of this.#children) killProcessGroup(child, 'SIGKILL', { afterExit: true });
    for (const socket of this.#sockets) socket.destroy();
    for (const client of this.#clients) client.end();
    await new Promise<void>((resolve) => this.#server.close(() => { resolve(); }));
    await this.#system?.stop();
    await rm(this.root, { recursive: true, force: true });
  }

  #accept(client: ssh2.Connection, allowed: readonly AuthorizedKey[]): void {
    this.#clients.add(client);
    // ssh2's typings omit the server side's setNoDelay; see connect.ts for why it matters.
    (client as unknown as { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    client.on('error', () => undefined);
    client.on('close', () => this.#clients.delete(client));
    let refused: string | undefined;
    client.on('authentication', (ctx) => {
      const known = this.#system === undefined || ctx.username === this.#system.user || ctx.username === 'root';
      if (!known || ctx.method !== 'publickey') {
        ctx.reject(['publickey']);
        return;
      }
      const decide = (keys: readonly AuthorizedKey[]): void => {
        if (keys.some((key) => authorizedKeyMatches(key, ctx))) {
          refused = this.#system !== undefined && ctx.username === 'root' ? loginRefusal(this.#system.user) : undefined;
          ctx.accept();
        } else ctx.reject(['publickey']);
      };
      if (this.#loginKeys === undefined) decide(allowed);
      else this.#loginKeys.read().then(decide, () => { ctx.reject(['publickey']); });
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        let child: ChildProcess | undefined;
        session.on('signal', (_accept, _reject, info: { name: string }) => {
          if (child !== undefined) killProcessGroup(child, `SIG${info.name}` as NodeJS.Signals);
        });
        session.on('exec', (acceptExec, _reject, info: { command: string }) => {
          // A refused login's key is behind a forced command, as cloud-init puts root's.
          const channel = acceptExec();
          try {
            child = this.#run(channel, refused ?? info.command);
          } catch (error) {
            // The host is stopping (its system is gone): the session fails as on a dying machine.
            channel.stderr.write(`${(error as Error).message}\n`);
            channel.exit(255);
            channel.end();
          }
        });
      });
      client.on('tcpip', (acceptForward, reject, info: { destIP: string; destPort: number }) => {
        const destination = this.#route(info.destIP, info.destPort);
        if (destination === undefined) { reject(); return; }
        const socket = net.connect(destination.port, destination.host);
        this.#sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.once('connect', () => {
          const channel = acceptForward();
          channel.on('error', () => undefined);
          socket.pipe(channel).pipe(socket);
        });
        socket.once('error', () => { reject(); });
      });
    });
  }

  #route(host: string, port: number): { host: string; port: number } | undefined {
    const routed = this.#network === undefined ? { host, port } : this.#network({ host, port });
    // Never anywhere but loopback, whatever the network map says: tests must not reach out.
    if (routed === undefined || net.isIP(routed.host) === 0 || !/^(127\.|::1$)/.test(routed.host)) return undefined;
    return routed;
  }

  #run(channel: ssh2.ServerChannel, command: string): ChildProcess {
    const shell = ['/bin/sh', '-c', command];
    const system = this.#system;
    const run = system === undefined ? { file: shell[0] as string, args: shell.slice(1) } : system.command({ as: 'user', argv: shell });
    const child = spawn(run.file, run.args, {
      cwd: system === undefined ? this.root : '/',
      env: system === undefined ? { ...process.env, ENVBOOT_ROOT: this.root, HOME: this.root } : system.loginEnvironment({ ENVBOOT_ROOT: this.root }),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that a hang-up ends everything the command started, as sshd does.
      detached: true,
    });
    this.#children.add(child);
    bridgeChannel({ channel, child, hangUpAfterExit: true, onDone: () => this.#children.delete(child) });
    return child;
  }
}
