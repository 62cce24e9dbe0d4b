import { spawn } from 'node:child_process';
import { CancelledError, TimeoutError } from '../../src/index.js';

export interface RunToolParams {
  readonly command: string;
  readonly args: readonly string[];
  /** What the run is, for messages: `creating the overlay of qemu-0123…`. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** A host program exited with a failure; its message ends with the tail of its stderr. */
export class ToolFailedError extends Error {
  readonly stderrTail: string;

  constructor(message: string, stderrTail: string) {
    super(stderrTail === '' ? message : `${message}: ${stderrTail}`);
    this.name = 'ToolFailedError';
    this.stderrTail = stderrTail;
  }
}

/**
 * Runs a host program to completion (no shell), collecting its output. Rejects with
 * `CANCELLED` when `signal` aborts and `TIMEOUT` after `timeoutMs`, having killed the
 * program (by its pid: it is our child), and with `ToolFailedError` when it exits with a
 * failure.
 */
export function runTool(params: RunToolParams): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    if (params.signal?.aborted === true) {
      reject(new CancelledError(`${params.what} cancelled`, { cause: params.signal.reason }));
      return;
    }
    const child = spawn(params.command, params.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let stopped: Error | undefined;
    const stop = (error: Error): void => {
      stopped ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => { stop(new TimeoutError(`${params.what}: ${params.command} did not finish within ${params.timeoutMs / 1000} s`)); }, params.timeoutMs);
    const onAbort = (): void => { stop(new CancelledError(`${params.what} cancelled`, { cause: params.signal?.reason })); };
    params.signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const settle = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
      else reject(error);
    };
    child.once('error', (error) => { settle(stopped ?? new ToolFailedError(`${params.what}: cannot run ${params.command} (${error.message})`, '')); });
    child.once('close', (code, how) => {
      if (stopped !== undefined) settle(stopped);
      else if (code === 0) settle(undefined);
      else {
        const status = code === null ? `was killed by ${String(how)}` : `exited with status ${code}`;
        settle(new ToolFailedError(`${params.what}: ${params.command} ${status}`, tail(Buffer.concat(stderr).toString('utf8'))));
      }
    });
  });
}

/** The last lines of a program's output, as one line for a message. */
export function tail(text: string, lines = 5): string {
  return text.trim().split('\n').map((line) => line.trim()).filter((line) => line !== '').slice(-lines).join(' / ');
}
