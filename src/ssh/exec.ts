import { finished, type Duplex, type Readable } from 'node:stream';
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
  /** Called with each chunk of standard output; cannot hold the command back (see `stdout`). */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Called with each chunk of standard error; cannot hold the command back (see `stderr`). */
  readonly onStderr?: (chunk: Buffer) => void;
  /**
   * A stream the command's standard output is piped to, with backpressure: while the
   * stream is full the channel stops reading, the SSH window closes and the command
   * blocks, so however much it prints, a slow reader costs a few MiB of buffers at most.
   * The stream is never ended (`process.stdout` stays usable), and is unpiped once the
   * channel has closed: the last chunks may still be in its buffer when the promise
   * resolves. When it fails or closes first (EPIPE: the reader went away), the command is
   * ended as on abort and the result has `outputClosed`. May be combined with `onStdout`.
   */
  readonly stdout?: NodeJS.WritableStream;
  /** Like `stdout`, for standard error; may be the same stream. */
  readonly stderr?: NodeJS.WritableStream;
  /**
   * Also collect output in the result. Default true for output not piped to `stdout` or
   * `stderr`, false for output that is; turn off for large streams.
   */
  readonly collect?: boolean;
  /** Aborting sends TERM to the command, closes the channel and rejects with CANCELLED. */
  readonly signal?: AbortSignal;
}

/** The client's end of an exec channel (ssh2's `ClientChannel` is one): stdin and stdout, stderr, signals. */
export interface CommandChannel extends Duplex {
  readonly stderr: Readable;
  /** Asks the server to signal the command (servers may ignore it). */
  signal(signalName: string): void;
  close(): void;
}

export interface ExecResult {
  /** The exit status; absent when the command was killed by `exitSignal`, or cut off by `outputClosed`. */
  readonly exitCode: number | undefined;
  readonly exitSignal: string | undefined;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /**
   * Present when the `stdout` or `stderr` stream failed or closed while the command ran
   * (the reader of a pipe went away): the command was then sent TERM and its channel
   * closed, as a shell pipeline's writer gets SIGPIPE. Exit status and signal are then
   * whatever the command reported before, usually neither; a CLI exits quietly with 141
   * (128 + SIGPIPE), as a shell would.
   */
  readonly outputClosed?: true;
}

/**
 * Runs a command on a channel that `open` provides. `connectionEnded` aborts, with the
 * error as its reason, when the connection goes away (lost, or closed here): a command
 * that has no exit status by then rejects with that error once ssh2 has closed its
 * channel, which it does in the same turn.
 */
export function runExec(
  params: ExecParams,
  open: (command: string, ready: (error: Error | undefined, channel?: CommandChannel) => void) => void,
  connectionEnded?: AbortSignal,
): Promise<ExecResult> {
  if (params.signal?.aborted === true) return Promise.reject(new CancelledError('command cancelled', { cause: params.signal.reason }));
  if (connectionEnded?.aborted === true) return Promise.reject(connectionEnded.reason as Error);
  const command = params.sudo === true ? `sudo -n -- sh -c ${shellQuote(params.command)}` : params.command;
  return new Promise((resolve, reject) => {
    open(command, (error, channel) => {
      if (error !== undefined || channel === undefined) reject(error ?? new Error('no channel'));
      else listen({ params, channel, connectionEnded }, resolve, reject);
    });
  });
}

interface Listening {
  readonly params: ExecParams;
  readonly channel: CommandChannel;
  readonly connectionEnded: AbortSignal | undefined;
}

/** Wires a channel's output, exit status and close; called as soon as the channel exists. */
function listen({ params, channel, connectionEnded }: Listening, resolve: (result: ExecResult) => void, reject: (error: unknown) => void): void {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let exitCode: number | undefined;
  let exitSignal: string | undefined;
  let ended: 'cancelled' | 'output closed' | undefined;
  // Not every server honours signal requests; closing the channel ends the command too.
  const end = (why: typeof ended): void => {
    if (ended !== undefined) return;
    ended = why;
    unpipe();
    channel.signal('TERM');
    channel.close();
  };
  const unpipe = pipeOutputs(params, channel, () => { end('output closed'); });
  const onAbort = (): void => { end('cancelled'); };
  params.signal?.addEventListener('abort', onAbort, { once: true });
  // The output must drain into the collectors now, whatever the caller's streams do: only
  // then does the channel end and close, which is when this command settles.
  let lost: unknown;
  const onConnectionEnded = (): void => {
    lost = connectionEnded?.reason;
    unpipe();
  };
  connectionEnded?.addEventListener('abort', onConnectionEnded, { once: true });
  collectOutput(channel, params.collect ?? params.stdout === undefined, out, params.onStdout);
  collectOutput(channel.stderr, params.collect ?? params.stderr === undefined, err, params.onStderr);
  channel.on('exit', (code: number | null, signalName?: string) => {
    if (typeof code === 'number') exitCode = code;
    else exitSignal = signalName === undefined ? 'unknown' : signalName.startsWith('SIG') ? signalName : `SIG${signalName}`;
  });
  const detach = (): void => {
    params.signal?.removeEventListener('abort', onAbort);
    connectionEnded?.removeEventListener('abort', onConnectionEnded);
    params.input?.unpipe(channel);
    unpipe();
  };
  channel.on('error', (error: Error) => {
    detach();
    reject(error);
  });
  // The channel closes once its standard output has been read; standard error may still
  // be waiting for a slow `stderr` stream, so wait for both.
  let open = 2;
  const onDone = (): void => {
    open -= 1;
    if (open > 0) return;
    detach();
    const outcome = outcomeOf({ ended, lost, cancelReason: params.signal?.reason, result: { exitCode, exitSignal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) } });
    if ('error' in outcome) reject(outcome.error);
    else resolve(outcome.result);
  };
  channel.once('close', onDone);
  finished(channel.stderr, { writable: false }, onDone);
  if (params.input !== undefined) params.input.pipe(channel);
  else if (params.stdin !== undefined) channel.end(params.stdin);
  else if (params.holdStdin !== true) channel.end();
  // Aborted, or the connection ended, while the channel was being opened: the listeners came too late.
  if (params.signal?.aborted === true) onAbort();
  if (connectionEnded?.aborted === true) onConnectionEnded();
}

/** How a command settles once its channel has closed and its output has been read. */
function outcomeOf(closed: {
  ended: 'cancelled' | 'output closed' | undefined;
  /** Why the connection ended under the command, if it did. */
  lost: unknown;
  cancelReason: unknown;
  result: ExecResult;
}): { result: ExecResult } | { error: unknown } {
  const { result } = closed;
  if (closed.ended === 'cancelled') return { error: new CancelledError('command cancelled', { cause: closed.cancelReason }) };
  if (closed.ended === 'output closed') return { result: { ...result, outputClosed: true } };
  if (result.exitCode !== undefined || result.exitSignal !== undefined) return { result };
  return { error: closed.lost ?? new RemoteCommandError('the command ended without an exit status; treat it as failed') };
}

/**
 * Keeps a channel's output flowing to the chunk callback and into `into`; reading also
 * drains a stream that is not piped anywhere, which the channel needs in order to close.
 */
function collectOutput(source: Readable, collect: boolean, into: Buffer[], onChunk: ((chunk: Buffer) => void) | undefined): void {
  source.on('data', (chunk: Buffer) => {
    if (collect) into.push(chunk);
    onChunk?.(chunk);
  });
}

/**
 * Pipes the channel's output into the `stdout` and `stderr` streams, calling `onGone` when
 * one of them fails or closes first. Returns the undo: unpipe and let the channel flow
 * again (into the collectors only), so that it can drain and close. Idempotent.
 */
function pipeOutputs(params: ExecParams, channel: CommandChannel, onGone: () => void): () => void {
  const pipes = [
    { source: channel as Readable, destination: params.stdout },
    { source: channel.stderr, destination: params.stderr },
  ].flatMap(({ source, destination }) => (destination === undefined ? [] : [{ source, destination }]));
  const gone = (): void => {
    undo();
    onGone();
  };
  const undo = (): void => {
    for (const { source, destination } of pipes) {
      destination.removeListener('error', gone);
      destination.removeListener('close', gone);
      source.unpipe(destination);
      source.resume();
    }
  };
  for (const { source, destination } of pipes) {
    destination.on('error', gone);
    destination.on('close', gone);
    source.pipe(destination, { end: false });
    // Writing into a destroyed stream neither fails nor holds back: it only loses the output.
    if ((destination as { destroyed?: unknown }).destroyed === true) queueMicrotask(gone);
  }
  return undo;
}
