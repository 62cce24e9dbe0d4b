import type { ChildProcess } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import { killProcessGroup } from '../util/kill-group.js';

/** The server's end of an exec channel (ssh2's `ServerChannel` is one): the command's stdin and stdout, its stderr, its exit status. */
export interface ServerExecChannel extends Duplex {
  readonly stderr: Writable;
  exit(status: number): void;
  exit(signalName: string, coreDumped?: boolean, message?: string): void;
}

export interface BridgeChannelParams {
  readonly channel: ServerExecChannel;
  /** A detached child (its own process group) running the channel's command. */
  readonly child: ChildProcess;
  /** On hang-up, also signal what the command left in its group after it exited. */
  readonly hangUpAfterExit?: boolean;
  /**
   * What a hang-up sends the process group. Default SIGHUP, as sshd does; a pty session
   * under `script` (which blocks SIGHUP) is killed instead, and its pty hangs up the shell.
   */
  readonly hangUpSignal?: NodeJS.Signals;
  /** Called once the child has closed and the channel has its exit status. */
  readonly onDone?: () => void;
}

/**
 * For SSH servers on ssh2: connects an exec channel to the process running its command,
 * as sshd does: stdin in, stdout and stderr out, a hang-up (channel closed) signals the
 * process group, and the exit status or signal goes back before the channel ends.
 */
export function bridgeChannel(params: BridgeChannelParams): void {
  const { channel, child } = params;
  channel.on('error', () => undefined);
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  if (child.stdin !== null) channel.pipe(child.stdin);
  child.stdout?.pipe(channel, { end: false });
  child.stderr?.pipe(channel.stderr, { end: false });
  channel.on('close', () => {
    killProcessGroup(child, params.hangUpSignal ?? 'SIGHUP', { afterExit: params.hangUpAfterExit === true });
  });
  child.on('close', (code, signal) => {
    params.onDone?.();
    if (code !== null) channel.exit(code);
    else channel.exit((signal ?? 'SIGKILL').replace(/^SIG/, ''), false, '');
    channel.end();
  });
}
