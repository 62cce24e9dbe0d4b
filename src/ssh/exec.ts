import type { ClientChannel } from 'ssh2';
import { CancelledError, RemoteCommandError } from '../errors/index.js';
import { shellQuote } from '../../cloudinit/index.js';

export interface ExecParams {
  /** The command line, run by the login shell on the machine. */
  readonly command: string;
  /** Run through `sudo -n` (when the user is not root). */
  readonly sudo?: boolean;
  /** Bytes for the command's standard input; it is closed afterwards. */
  readonly stdin?: Uint8Array | string;
  /**
   * Keep standard input open (and empty) while the command runs, so that the command
   * sees end-of-file when the channel closes: how a command learns it was cancelled on
   * servers that ignore signal requests (OpenSSH without a terminal).
   */
  readonly holdStdin?: boolean;
  /**
   * A stream piped to the command's standard input (`envboot exec` passes its own stdin
   * through); unpiped when the command ends, so the caller's stream is left as it was.
   */
  readonly input?: NodeJS.ReadableStream;
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
  /** Also collect output in the result (default true); turn off for large streams. */
  readonly collect?: boolean;
  /** Aborting sends TERM to the command, closes the channel and rejects with CANCELLED. */
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  /** The exit status; absent when the command was killed by `exitSignal`. */
  readonly exitCode: number | undefined;
  readonly exitSignal: string | undefined;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}


export function runExec(
  params: ExecParams,
  open: (command: string, ready: (error: Error | undefined, channel?: ClientChannel) => void) => void,
): Promise<ExecResult> {
  if (params.signal?.aborted === true) return Promise.reject(new CancelledError('command cancelled', { cause: params.signal.reason }));
  const command = params.sudo === true ? `sudo -n -- sh -c ${shellQuote(params.command)}` : params.command;
  return new Promise((resolve, reject) => {
    open(command, (error, channel) => {
      if (error !== undefined || channel === undefined) reject(error ?? new Error('no channel'));
      else listen(params, channel, resolve, reject);
    });
  });
}

/** Wires a channel's output, exit status and close; called as soon as the channel exists. */
function listen(params: ExecParams, channel: ClientChannel, resolve: (result: ExecResult) => void, reject: (error: unknown) => void): void {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const collect = params.collect !== false;
  let exitCode: number | undefined;
  let exitSignal: string | undefined;
  let cancelled = false;
  const onAbort = (): void => {
    cancelled = true;
    // Not every server honours signal requests; closing the channel ends it too.
    channel.signal('TERM');
    channel.close();
  };
  params.signal?.addEventListener('abort', onAbort, { once: true });
  channel.on('data', (chunk: Buffer) => {
    if (collect) out.push(chunk);
    params.onStdout?.(chunk);
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    if (collect) err.push(chunk);
    params.onStderr?.(chunk);
  });
  channel.on('exit', (code: number | null, signalName?: string) => {
    if (typeof code === 'number') exitCode = code;
    else exitSignal = signalName === undefined ? 'unknown' : signalName.startsWith('SIG') ? signalName : `SIG${signalName}`;
  });
  channel.on('error', (error: Error) => {
    params.signal?.removeEventListener('abort', onAbort);
    reject(error);
  });
  channel.on('close', () => {
    params.signal?.removeEventListener('abort', onAbort);
    params.input?.unpipe(channel);
    if (cancelled) reject(new CancelledError('command cancelled', { cause: params.signal?.reason }));
    else if (exitCode === undefined && exitSignal === undefined) {
      reject(new RemoteCommandError('the command ended without an exit status (connection lost?); treat it as failed'));
    } else {
      resolve({ exitCode, exitSignal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    }
  });
  if (params.input !== undefined) params.input.pipe(channel);
  else if (params.stdin !== undefined) channel.end(params.stdin);
  else if (params.holdStdin !== true) channel.end();
}
