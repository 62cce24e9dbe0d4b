import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync, readlinkSync } from 'node:fs';
import { childrenOf, commandLineOf, identityOf, isAlive, signalProcess, waitUntilGone, type ProcessIdentity } from '../../../src/host/index.js';
import type { SandboxIds } from './sandbox-ids.js';
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
/** Real root builds the outer view in a mount namespace only; a user needs a user namespace to mount anything. */
const outerFlags = (privileged: boolean): string[] => [...(privileged ? [] : ['--user', '--map-root-user']), '--mount', '--propagation', 'private'];
// fds 3-7 are namespaces, for nsenter only: the command must not inherit them.
const execWrapper = 'cd /root 2>/dev/null || cd /; umask 022; exec /bin/sh -c "$1" 3<&- 4<&- 5<&- 6<&- 7<&-';

/** The `unshare` process that holds a machine's namespaces, and the machine's PID 1 under it. */
export interface Holder {
  readonly process: ProcessIdentity;
  readonly init: ProcessIdentity | undefined;
  /**
   * Open handles on the holder's user namespace, then the machine's PID, user, mount and
   * UTS namespaces: a recycled pid can never redirect a command.
   */
  readonly namespaceFds: number[];
  /** Whether the machine's root is an id range of its own (envboot runs as real root). */
  readonly privileged: boolean;
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
  /** The environment's snapshots, shared by its machines (see `setup-script.ts`). */
  readonly baseDir: string;
  /** The machine's host name (its instance id). */
  readonly hostname: string;
  /** The ids the machine's root and users map to (see `sandbox-ids.ts`). */
  readonly ids: SandboxIds;
  /** In order; `hide` ops keep the client's directories out of sight. */
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
  const privileged = params.ids.count > 1;
  const args = [
    ...outerFlags(privileged),
    '--',
    '/bin/sh',
    params.setupScript,
    'outer',
    params.fsDir,
    params.baseDir,
    params.hostname,
    String(params.ids.outer),
    String(params.ids.count),
    ...params.mounts.map(formatMountOp),
  ];
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
        holder = { ...holderOf(child.pid, privileged, child), warnings: stderr.split('\n').filter((line) => line.trim() !== '') };
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
export function adoptHolder(saved: ProcessIdentity, fsDir: string, privileged: boolean): Holder | undefined {
  if (!isAlive(saved) || commandLineOf(saved.pid)?.includes(fsDir) !== true) return undefined;
  let holder: Holder;
  try {
    holder = holderOf(saved.pid, privileged, undefined);
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

/**
 * Runs `command` as root inside the machine, in its own process group, with `/root` as
 * its directory. The first `nsenter` enters the holder's user namespace and sets the PID
 * namespace for its children without forking (as real root it also becomes the
 * machine's id range there); the second enters the machine's own user, mount and UTS
 * namespaces; `timeout --foreground 0` (no time limit) is the fork into the PID namespace,
 * and passes the command's exit status or fatal signal on. So no process of the holder's
 * namespace, more privileged than the machine's root, is ever inside the machine.
 */
export function execInMachine(holder: Holder, command: string, options: ExecInMachineOptions = {}): ChildProcess {
  if (holder.namespaceFds.length !== namespaceCount) throw new SandboxError('the machine is stopped');
  const stdio: StdioOptions = [...(options.stdio ?? ['pipe', 'pipe', 'pipe']), ...holder.namespaceFds];
  const args = [
    ...(holder.privileged ? [] : ['--preserve-credentials']),
    '--user=/proc/self/fd/3',
    '--pid=/proc/self/fd/4',
    '--no-fork',
    '--',
    'nsenter',
    '--preserve-credentials',
    '--user=/proc/self/fd/5',
    '--mount=/proc/self/fd/6',
    '--uts=/proc/self/fd/7',
    '--',
    'timeout',
    '--foreground',
    '0',
    '/bin/sh',
    '-c',
    execWrapper,
    'envboot-exec',
    command,
  ];
  return spawn('nsenter', args, { stdio, env: { ...toolPath, ...machineEnv, ...options.env }, detached: true });
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

const namespaceCount = 5;

function holderOf(pid: number, privileged: boolean, child: ChildProcess | undefined): Holder {
  const identity = identityOf(pid);
  if (identity === undefined) throw new SandboxError(`process ${pid} is gone`);
  // Synchronous: an unreaped child keeps its pid, so these are surely its namespaces.
  const initPid = machineInitOf(pid);
  if (initPid === undefined) throw new SandboxError(`the machine's PID 1 under process ${pid} is gone`);
  const fds: number[] = [];
  try {
    fds.push(openSync(`/proc/${pid}/ns/user`, 'r'));
    for (const ns of ['pid', 'user', 'mnt', 'uts']) fds.push(openSync(`/proc/${initPid}/ns/${ns}`, 'r'));
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    throw error;
  }
  const init = identityOf(initPid);
  return { process: identity, init, namespaceFds: fds, privileged, warnings: [], ...(child === undefined ? {} : { child }) };
}

/** The holder's child in a PID namespace of its own: the machine's PID 1. */
function machineInitOf(holderPid: number): number | undefined {
  const holderPidNs = readLinkQuietly(`/proc/${holderPid}/ns/pid`);
  return childrenOf(holderPid).find((child) => {
    const pidNs = readLinkQuietly(`/proc/${child}/ns/pid`);
    return pidNs !== undefined && pidNs !== holderPidNs;
  });
}

function readLinkQuietly(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
