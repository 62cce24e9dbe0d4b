import { spawn } from 'node:child_process';
import { CancelledError, EnvbootError, ErrorCode, TimeoutError } from '../../src/index.js';
import type { MachineFiles } from './layout.js';
import { candidatePort, forwardHost } from './loopback-port.js';
import { isMachineQemu, readPidFile, startTimeOf, type QemuProcess } from './qemu-process.js';
import { tail } from './run-tool.js';

export interface LaunchMachineParams {
  readonly qemu: string;
  /** QEMU's arguments for a given SSH forward (see `qemuArgs`). */
  readonly args: (ssh: { host: string; port: number }) => readonly string[];
  readonly files: Pick<MachineFiles, 'pidFile'>;
  readonly signal?: AbortSignal | undefined;
  /** How long QEMU may take to set the VM up and daemonize. */
  readonly timeoutMs?: number;
  /** Where candidate ports come from (a test seam). */
  readonly pickPort?: () => Promise<number>;
  /** Called with each forward before QEMU is run with it: the caller records it, so a crash right after still knows the port. */
  readonly beforeLaunch?: (ssh: { host: string; port: number }) => Promise<void>;
}

export interface LaunchedMachine {
  readonly process: QemuProcess;
  readonly ssh: { readonly host: string; readonly port: number };
}

/** QEMU could not start the VM; the message ends with the tail of QEMU's stderr. */
export class QemuStartError extends EnvbootError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.InstanceFailed, message, options);
  }
}

const portAttempts = 5;
const portTaken = /host forwarding rule/i;

/**
 * Starts QEMU and returns once it has set the VM up and daemonized (its first process
 * exits 0 then; the VM lives on in the daemon, which wrote the pid file). A forward port
 * someone else took in the meantime is retried with another, up to 5 times. Failure is
 * `QemuStartError` with QEMU's own words. When cancelled, the first process is killed,
 * which makes the daemon exit before the VM runs; a daemon that got past that point is
 * left to the caller's clean-up, which finds it by its pid file.
 */
export async function launchMachine(params: LaunchMachineParams): Promise<LaunchedMachine> {
  for (let attempt = 1; ; attempt++) {
    const ssh = { host: forwardHost, port: await (params.pickPort ?? candidatePort)() };
    await params.beforeLaunch?.(ssh);
    const stderr = await runUntilDaemonized(params, params.args(ssh));
    if (stderr === undefined) return { process: daemonOf(params.files), ssh };
    if (!portTaken.test(stderr) || attempt >= portAttempts) {
      throw new QemuStartError(`QEMU failed to start the machine: ${tail(stderr) || 'it exited without a message'}`);
    }
  }
}

/** Runs QEMU's first process to its exit: undefined when it daemonized, else its stderr. */
function runUntilDaemonized(params: LaunchMachineParams, args: readonly string[]): Promise<string | undefined> {
  const timeoutMs = params.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    if (params.signal?.aborted === true) {
      reject(new CancelledError('starting QEMU cancelled', { cause: params.signal.reason }));
      return;
    }
    // stdout too: an inherited descriptor would keep our pipe open after QEMU daemonizes.
    const child = spawn(params.qemu, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let stopped: Error | undefined;
    const stop = (error: Error): void => {
      stopped ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => { stop(new TimeoutError(`QEMU did not set the machine up within ${timeoutMs / 1000} s`)); }, timeoutMs);
    const onAbort = (): void => { stop(new CancelledError('starting QEMU cancelled', { cause: params.signal?.reason })); };
    params.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-8192); });
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    child.once('error', (error) => { settle(() => { reject(new QemuStartError(`cannot run ${params.qemu}: ${error.message}`, { cause: error })); }); });
    // Once stopped, the first process's exit is enough: its daemon may hold stderr a while longer.
    child.once('exit', () => {
      const error = stopped;
      if (error !== undefined) settle(() => { reject(error); });
    });
    child.once('close', (code, how) => {
      settle(() => {
        if (stopped !== undefined) reject(stopped);
        else if (code === 0) resolve(undefined);
        else resolve(stderr.trim() === '' ? `exit ${code === null ? `by ${String(how)}` : `status ${code}`}` : stderr);
      });
    });
  });
}

/** The daemon QEMU left, from its pid file; a daemon already gone is a failed start. */
function daemonOf(files: Pick<MachineFiles, 'pidFile'>): QemuProcess {
  const pid = readPidFile(files.pidFile);
  const startTime = pid === undefined ? undefined : startTimeOf(pid);
  if (pid === undefined || startTime === undefined || !isMachineQemu(pid, files)) {
    throw new QemuStartError(`QEMU daemonized but its process is not running (pid file ${files.pidFile}: ${String(pid ?? 'missing')}); see the machine's console log`);
  }
  return { pid, startTime };
}
