import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import ssh2 from 'ssh2';
// Direct module paths, not the package root: the agent stays lean without the whole library.
import { authorizedKeyMatches, bridgeChannel, killProcessGroup, parseAuthorizedKey, type AuthorizedKey } from '../../../src/host/index.js';
import { PtySession, ptyRequestOf } from './machine-shell.js';
import { loginShellCommand, terminalSize, type PtyRequest } from './terminal-commands.js';

export interface MachineSshParams {
  /** The machine's host key (OpenSSH private key), from `ssh_keys.ed25519_private`. */
  readonly hostKey: string;
  /** Public keys that may log in as `root`. */
  readonly authorizedKeys: readonly string[];
  /**
   * Reads the key lines that may log in as `root` now, in place of `authorizedKeys`: called
   * once per connection, when it first asks to log in, as sshd reads authorized_keys at
   * each login. A line that cannot be parsed is skipped; a read that fails lets nobody in.
   */
  readonly loginKeys?: (() => Promise<readonly string[]>) | undefined;
  /** Starts a command inside the machine, in its own process group. */
  readonly run: (command: string, env: Readonly<Record<string, string>>) => ChildProcess;
}

const forwardedSignals = new Set(['ABRT', 'ALRM', 'FPE', 'HUP', 'ILL', 'INT', 'KILL', 'PIPE', 'QUIT', 'SEGV', 'TERM', 'USR1', 'USR2']);
const acceptedEnv = /^(LANG|LC_[A-Z]+)$/;
/** How long a command that could not start keeps its channel before its exit status (see `#failLater`). */
const exitGraceMs = 50;

/**
 * A machine's SSH server: its own host key, public-key login as `root` only (the keys
 * `loginKeys` reads at each login, else the fixed `authorizedKeys`), and sessions
 * run inside the machine as sshd runs them: `exec` requests (stdin streamed, signals
 * forwarded to the command's process group, exit status or signal passed back, SIGHUP
 * when the channel closes), `shell` requests (root's login shell from the machine's
 * passwd database, reading its commands from stdin when there is no pty, as `ssh -T`
 * gets from sshd), and, for either, a pty when the client asks for one (`pty-req` with
 * its size, `TERM` and modes, then `window-change`; see `PtySession`), so the system
 * `ssh` client can log in interactively. `env` requests set `LANG` and `LC_*` only.
 * direct-tcpip forwards to loopback only, so the machine can serve as a jump host. No
 * SFTP, X11 or agent forwarding. Sockets come from the agent's listeners through
 * `accept`, so one server answers on both of the machine's addresses.
 */
export class MachineSsh {
  readonly #server: ssh2.Server;
  readonly #allowed: readonly AuthorizedKey[];
  readonly #loginKeys: (() => Promise<readonly string[]>) | undefined;
  readonly #run: MachineSshParams['run'];
  readonly #clients = new Set<ssh2.Connection>();
  readonly #children = new Set<ChildProcess>();
  readonly #terminals = new Set<PtySession>();
  readonly #sockets = new Set<net.Socket>();

  /** Throws when the host key or an authorized key cannot be parsed. */
  constructor(params: MachineSshParams) {
    this.#allowed = params.authorizedKeys.map(parseAuthorizedKey);
    this.#loginKeys = params.loginKeys;
    this.#run = params.run;
    this.#server = new ssh2.Server({ hostKeys: [params.hostKey] }, (client) => { this.#accept(client); });
    this.#server.on('error', () => undefined);
  }

  /** Serves one accepted TCP connection. */
  accept(socket: net.Socket): void {
    this.#server.injectSocket(socket);
  }

  /** Ends every session, kills every command still running, closes forwarded sockets. */
  close(): void {
    for (const child of this.#children) killProcessGroup(child, 'SIGKILL');
    for (const terminal of this.#terminals) terminal.kill();
    for (const socket of this.#sockets) socket.destroy();
    for (const client of this.#clients) client.end();
  }

  #accept(client: ssh2.Connection): void {
    this.#clients.add(client);
    // ssh2's typings omit the server side's setNoDelay; every exchange would wait for a delayed ACK.
    (client as unknown as { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    client.on('error', () => undefined);
    client.on('close', () => this.#clients.delete(client));
    let allowed: Promise<readonly AuthorizedKey[]> | undefined;
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'root') {
        ctx.reject(['publickey']);
        return;
      }
      allowed ??= this.#allowedKeys();
      void allowed.then(
        (keys) => { if (keys.some((key) => authorizedKeyMatches(key, ctx))) ctx.accept(); else ctx.reject(['publickey']); },
        () => { ctx.reject(['publickey']); },
      );
    });
    client.on('ready', () => {
      client.on('session', (accept) => { this.#session(accept()); });
      client.on('tcpip', (accept, reject, info) => { this.#forward(accept, reject, info); });
    });
  }

  async #allowedKeys(): Promise<readonly AuthorizedKey[]> {
    if (this.#loginKeys === undefined) return this.#allowed;
    const keys: AuthorizedKey[] = [];
    for (const line of await this.#loginKeys()) {
      try {
        keys.push(parseAuthorizedKey(line));
      } catch {
        // sshd skips a line it cannot read, and so does this server.
      }
    }
    return keys;
  }

  #session(session: ssh2.Session): void {
    let child: ChildProcess | undefined;
    let terminal: PtySession | undefined;
    let pty: PtyRequest | undefined;
    const env: Record<string, string> = {};
    session.on('env', (accept, reject, info) => {
      if (acceptedEnv.test(info.key) && !info.val.includes('\0')) {
        env[info.key] = info.val;
        reply(accept);
      } else {
        reply(reject);
      }
    });
    session.on('pty', (accept, reject, info) => {
      // ssh2 passes no info for a request it could not parse, whatever its typings say.
      const requested = ptyRequestOf(info);
      if (requested === undefined) { reply(reject); return; }
      pty = requested;
      reply(accept);
    });
    session.on('window-change', (accept, reject, info) => {
      if (pty === undefined) { reply(reject); return; }
      pty = { ...pty, size: terminalSize(info.cols, info.rows) };
      terminal?.resize(pty.size);
      reply(accept);
    });
    session.on('signal', (accept, reject, info) => {
      if (!forwardedSignals.has(info.name)) { reply(reject); return; }
      if (terminal !== undefined) terminal.signal(info.name);
      else if (child !== undefined) killProcessGroup(child, `SIG${info.name}` as NodeJS.Signals);
      else { reply(reject); return; }
      reply(accept);
    });
    const start = (channel: ssh2.ServerChannel, command: string | undefined): void => {
      if (pty === undefined) child = this.#exec(channel, command ?? loginShellCommand(), env);
      else terminal = this.#terminal(channel, pty, command, env);
    };
    session.on('shell', (accept) => { start(accept(), undefined); });
    session.on('exec', (accept, _reject, info) => { start(accept(), info.command); });
  }

  /** Runs the session in a pty inside the machine; one that cannot start fails on its channel alone, as `#exec`. */
  #terminal(channel: ssh2.ServerChannel, pty: PtyRequest, command: string | undefined, env: Readonly<Record<string, string>>): PtySession | undefined {
    channel.on('error', () => undefined);
    let terminal: PtySession;
    try {
      terminal = new PtySession({ channel, pty, env, run: this.#run, ...(command === undefined ? {} : { command }), onDone: () => this.#terminals.delete(terminal) });
    } catch (error) {
      channel.stderr.write(`envboot: cannot run the command: ${messageOf(error)}\n`);
      this.#failLater(channel, 127);
      return undefined;
    }
    this.#terminals.add(terminal);
    return terminal;
  }

  /** Runs the command for the channel; one that cannot start fails on its channel alone (status 127, the reason on stderr). */
  #exec(channel: ssh2.ServerChannel, command: string, env: Readonly<Record<string, string>>): ChildProcess | undefined {
    channel.on('error', () => undefined);
    let child: ChildProcess;
    try {
      child = this.#run(command, env);
    } catch (error) {
      // The machine is stopping, or the command has a NUL byte: the connection and its other channels go on.
      channel.stderr.write(`envboot: cannot run the command: ${messageOf(error)}\n`);
      this.#failLater(channel, 127);
      return undefined;
    }
    this.#children.add(child);
    bridgeChannel({ channel, child, onDone: () => this.#children.delete(child) });
    return child;
  }

  /**
   * Ends the channel with `status`, once the client has had the time a real command would
   * give it to start listening for the exit status: when it ends its input (as envboot's
   * client does once it listens) or after `exitGraceMs`. An exit sent with the exec's
   * acceptance can reach the client before it listens, and be lost.
   */
  #failLater(channel: ssh2.ServerChannel, status: number): void {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      channel.exit(status);
      channel.end();
    };
    const timer = setTimeout(finish, exitGraceMs);
    channel.once('end', finish);
    channel.once('close', () => {
      done = true;
      clearTimeout(timer);
    });
    // Flowing, so that the client's end of input is seen; its input has nowhere to go.
    channel.resume();
  }

  #forward(accept: () => ssh2.ServerChannel, reject: () => void, info: ssh2.TcpipRequestInfo): void {
    const host = info.destIP === 'localhost' ? '127.0.0.1' : info.destIP;
    if (net.isIP(host) === 0 || !/^(127\.|::1$)/.test(host)) { reject(); return; }
    const socket = net.connect({ host, port: info.destPort, noDelay: true });
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.once('error', () => { reject(); });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      const channel = accept();
      channel.on('error', () => undefined);
      socket.pipe(channel).pipe(socket);
    });
  }
}

/** ssh2 passes no accept/reject callbacks when the client wants no reply, whatever its typings say. */
function reply(callback: unknown): void {
  if (typeof callback === 'function') (callback as () => void)();
}

/** An error's message; a one-liner of its own, so that the agent loads none of the library beyond `envboot/host`. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
