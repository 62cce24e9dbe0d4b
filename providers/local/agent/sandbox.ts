import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { childrenOf, commandLineOf, identityOf, isAlive, signalProcess, waitUntilGone, type ProcessIdentity } from '../../../src/util/process-identity.js';
import { formatMountOp, type MountOp } from './sandbox-plan.js';

/** The environment commands see inside a machine, as after a root login. */
export const machineEnv: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/sh',
};

const toolPath = { PATH: `${process.env['PATH'] ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` };
const unshareFlags = ['--user', '--map-root-user', '--mount', '--pid', '--uts', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private'];
const namespaces = ['user', 'mnt', 'pid_for_children', 'uts'] as const;
// fds 3-6 are the machine's namespaces, for nsenter only: the command must not inherit them.
const execWrapper = 'cd /root 2>/dev/null || cd /; umask 022; exec /bin/sh -c "$1" 3<&- 4<&- 5<&- 6<&-';

/** The `unshare` process that holds a machine's namespaces, and the machine's PID 1 under it. */
export interface Holder {
  readonly process: ProcessIdentity;
  readonly init: ProcessIdentity | undefined;
  /** Open handles on the user, mount, PID and UTS namespaces: a recycled pid can never redirect a command. */
  readonly namespaceFds: number[];
  /** Our child, when this agent started it (absent for one adopted after an agent restart). */
  readonly child?: ChildProcess;
  /** What the setup script warned about (a directory without a copy-on-write view, say). */
  readonly warnings: readonly string[];
}

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

export interface StartHolderParams {
  readonly setupScript: string;
  readonly fsDir: string;
  /** The machine's host name (its instance id). */
  readonly hostname: string;
  /** A host directory the machine must not see (the environment's data directory). */
  readonly hide: string;
  readonly mounts: readonly MountOp[];
  readonly timeoutMs?: number;
  /** Aborting kills the sandbox being set up and rejects. */
  readonly signal?: AbortSignal;
}

/**
 * Starts a machine: `unshare` runs the setup script in new namespaces; resolves when it
 * prints `ready`, rejects with its exit status and stderr when it fails.
 */
export function startHolder(params: StartHolderParams): Promise<Holder> {
  const args = [...unshareFlags, '--', '/bin/sh', params.setupScript, params.fsDir, params.hostname, params.hide, ...params.mounts.map(formatMountOp)];
  const child = spawn('unshare', args, { stdio: ['ignore', 'pipe', 'pipe'], env: toolPath });
  let stdout = '';
  let stderr = '';
  let settled = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { fail(`the machine's sandbox was not ready within ${params.timeoutMs ?? 15_000} ms`); }, params.timeoutMs ?? 15_000);
    const onAbort = (): void => { fail('stopped while setting up the sandbox'); };
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      // unshare's --kill-child is armed only once its child runs: a stop in that moment would orphan the setup script.
      const setup = child.pid === undefined ? [] : childrenOf(child.pid);
      child.kill('SIGKILL');
      for (const pid of setup) killQuietly(pid);
      const detail = stderr.trim().split('\n').slice(-5).join('; ');
      const error = new SandboxError(detail === '' ? why : `${why}: ${detail}`);
      // Rejected once unshare is gone, so that the caller's removal of the machine's files comes after it, not during.
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) reject(error);
      else child.once('exit', () => { reject(error); });
    };
    params.signal?.addEventListener('abort', onAbort, { once: true });
    if (params.signal?.aborted === true) onAbort();
    child.on('error', (error) => { fail(`cannot run unshare (${error.message}); install util-linux`); });
    child.stderr.on('data', (chunk: Buffer) => { if (stderr.length < 16_384) stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (settled || !stdout.includes('ready\n') || child.pid === undefined) return;
      let holder: Holder;
      try {
        holder = { ...holderOf(child.pid, child), warnings: stderr.split('\n').filter((line) => line.trim() !== '') };
      } catch (error) {
        fail(`the machine's sandbox vanished while starting (${(error as Error).message})`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      resolve(holder);
    });
    child.on('exit', (code, signal) => {
      fail(`setting up the machine's sandbox failed (${code === null ? `killed by ${String(signal)}` : `exit status ${code}`})`);
    });
  });
}

/** Takes over the holder a previous agent left running, if it is still that very process. */
export function adoptHolder(saved: ProcessIdentity, fsDir: string): Holder | undefined {
  if (!isAlive(saved) || commandLineOf(saved.pid)?.includes(fsDir) !== true) return undefined;
  let holder: Holder;
  try {
    holder = holderOf(saved.pid, undefined);
  } catch {
    return undefined;
  }
  // Checked again after opening the namespaces: the pid was not recycled in between.
  if (holder.process.startTime === saved.startTime && isAlive(saved)) return holder;
  releaseHolder(holder);
  return undefined;
}

export interface ExecInMachineOptions {
  /** Added to `machineEnv`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Standard input, output and error; pipes by default. */
  readonly stdio?: readonly ('pipe' | 'ignore' | number)[];
}

/** Runs `command` as root inside the machine, in its own process group, with `/root` as its directory. */
export function execInMachine(holder: Holder, command: string, options: ExecInMachineOptions = {}): ChildProcess {
  if (holder.namespaceFds.length !== namespaces.length) throw new SandboxError('the machine is stopped');
  const stdio: StdioOptions = [...(options.stdio ?? ['pipe', 'pipe', 'pipe']), ...holder.namespaceFds];
  const args = ['--preserve-credentials', '--user=/proc/self/fd/3', '--mount=/proc/self/fd/4', '--pid=/proc/self/fd/5', '--uts=/proc/self/fd/6'];
  return spawn('nsenter', [...args, '--', '/bin/sh', '-c', execWrapper, 'envboot-exec', command], {
    stdio,
    env: { ...toolPath, ...machineEnv, ...options.env },
    detached: true,
  });
}

/** Kills the machine: SIGKILL to `unshare` takes its PID 1, hence every process of the machine, with it. */
export async function killHolder(holder: Holder, timeoutMs = 5_000): Promise<void> {
  signalProcess(holder.process, 'SIGKILL');
  if (holder.init !== undefined) signalProcess(holder.init, 'SIGKILL');
  releaseHolder(holder);
  const gone = await waitUntilGone([holder.process, ...(holder.init === undefined ? [] : [holder.init])], timeoutMs);
  if (!gone) throw new SandboxError(`the machine's processes (pid ${holder.process.pid}) are still alive ${timeoutMs} ms after SIGKILL`);
}

/** Kills a holder a previous agent left, if it is still that process and surely this machine's. */
export async function killLeftHolder(saved: ProcessIdentity, fsDir: string): Promise<void> {
  if (!isAlive(saved) || commandLineOf(saved.pid)?.includes(fsDir) !== true) return;
  signalProcess(saved, 'SIGKILL');
  if (!(await waitUntilGone([saved], 5_000))) throw new SandboxError(`process ${saved.pid} survived SIGKILL`);
}

/** Closes the namespace handles, so the kernel can free the namespaces once the processes are gone. */
export function releaseHolder(holder: Holder): void {
  for (const fd of holder.namespaceFds) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  }
  holder.namespaceFds.length = 0;
}

function holderOf(pid: number, child: ChildProcess | undefined): Holder {
  const identity = identityOf(pid);
  if (identity === undefined) throw new SandboxError(`process ${pid} is gone`);
  // Synchronous: an unreaped child keeps its pid, so these are surely its namespaces.
  const fds: number[] = [];
  try {
    for (const ns of namespaces) fds.push(openSync(`/proc/${pid}/ns/${ns}`, 'r'));
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    throw error;
  }
  const initPid = childrenOf(pid)[0];
  const init = initPid === undefined ? undefined : identityOf(initPid);
  return { process: identity, init, namespaceFds: fds, warnings: [], ...(child === undefined ? {} : { child }) };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
