import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type ssh2 from 'ssh2';
import { bridgeChannel, killProcessGroup } from '../../../src/host/index.js';
import type { MachineSshParams } from './machine-ssh.js';
import { forgetCommand, ptyCommand, resizeCommand, signalCommand, terminalSize, type PtyRequest, type TerminalSize } from './terminal-commands.js';

export interface StartPtySessionParams {
  readonly channel: ssh2.ServerChannel;
  readonly pty: PtyRequest;
  /** An exec request's command; absent for a `shell` request (root's login shell). */
  readonly command?: string;
  /** From the session's accepted `env` requests. */
  readonly env: Readonly<Record<string, string>>;
  readonly run: MachineSshParams['run'];
  /** Called once the session and every helper command it started have ended. */
  readonly onDone: () => void;
}

/**
 * The pty a client asked for, or undefined for a request ssh2 could not parse. ssh2 1.17's
 * server reads the modes one byte late, so they come empty from every client; they are
 * applied all the same, for a fixed ssh2.
 */
export function ptyRequestOf(info: ssh2.PseudoTtyInfo | undefined): PtyRequest | undefined {
  if (info === undefined || info.term.includes('\0')) return undefined;
  return { term: info.term, size: terminalSize(info.cols, info.rows), modes: { ...info.modes } };
}

/**
 * A `shell` or `exec` request that asked for a pty, run inside the machine in a pty of the
 * machine's own (see `ptyCommand`). Everything the session prints comes back as its
 * stdout, as from sshd. Window changes resize the pty and signals go to the session's
 * shell or command, each through a short command in the machine. When the channel
 * closes the session is hung up: script(1) blocks SIGHUP, so its process group is
 * killed, which closes the pty's master side, upon which the kernel sends SIGHUP to the
 * shell and its foreground job, as when sshd closes a pty.
 */
export class PtySession {
  readonly #id = randomBytes(8).toString('hex');
  readonly #run: MachineSshParams['run'];
  readonly #main: ChildProcess;
  readonly #helpers = new Set<ChildProcess>();
  readonly #onDone: () => void;
  #size: TerminalSize;
  #resizing = false;
  #resizeAgain = false;
  #ended = false;
  #killed = false;
  #done = false;

  /** Throws what `run` throws (the machine is stopping, say); nothing is started then. */
  constructor(params: StartPtySessionParams) {
    this.#run = params.run;
    this.#onDone = params.onDone;
    this.#size = params.pty.size;
    const env = { ...params.env, ...(params.pty.term === '' ? {} : { TERM: params.pty.term }) };
    const command = ptyCommand({ id: this.#id, pty: params.pty, ...(params.command === undefined ? {} : { command: params.command }) });
    this.#main = params.run(command, env);
    this.#bridge(params.channel);
  }

  /** Resizes the pty; sizes that come while one is being set are merged, the last one wins. */
  resize(size: TerminalSize): void {
    this.#size = size;
    if (this.#ended || this.#killed) return;
    if (this.#resizing) {
      this.#resizeAgain = true;
      return;
    }
    this.#resizing = true;
    const started = this.#helper(resizeCommand(this.#id, size), () => {
      this.#resizing = false;
      if (!this.#resizeAgain) return;
      this.#resizeAgain = false;
      this.resize(this.#size);
    });
    if (!started) this.#resizing = false;
  }

  /** Sends `signal` (a name without `SIG`) to the session's shell or command. */
  signal(signal: string): void {
    if (!this.#ended && !this.#killed) this.#helper(signalCommand(this.#id, signal));
  }

  /** Kills the session (hanging it up) and its helper commands, and starts no more. */
  kill(): void {
    this.#killed = true;
    killProcessGroup(this.#main, 'SIGKILL');
    for (const helper of this.#helpers) killProcessGroup(helper, 'SIGKILL');
  }

  #bridge(channel: ssh2.ServerChannel): void {
    // script's and nsenter's own complaints reach stderr; the session's output all comes through the pty.
    bridgeChannel({
      channel,
      child: this.#main,
      hangUpSignal: 'SIGKILL',
      onDone: () => {
        this.#ended = true;
        // A resize or signal still waiting for the record would wait in vain.
        for (const helper of this.#helpers) killProcessGroup(helper, 'SIGKILL');
        // After `kill` the machine is most likely stopping; a record left behind is a few bytes in its /run.
        if (!this.#killed) this.#helper(forgetCommand(this.#id));
        this.#doneIfIdle();
      },
    });
  }

  /** Starts a short command in the machine, best effort: a machine that is stopping takes the session with it anyway. */
  #helper(command: string, onClose?: () => void): boolean {
    let child: ChildProcess;
    try {
      child = this.#run(command, {});
    } catch {
      return false;
    }
    this.#helpers.add(child);
    child.on('error', () => undefined);
    child.stdin?.end();
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('close', () => {
      this.#helpers.delete(child);
      onClose?.();
      this.#doneIfIdle();
    });
    return true;
  }

  #doneIfIdle(): void {
    if (!this.#ended || this.#helpers.size > 0 || this.#done) return;
    this.#done = true;
    this.#onDone();
  }
}
