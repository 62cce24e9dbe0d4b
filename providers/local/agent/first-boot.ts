import { createWriteStream } from 'node:fs';
import { renderScript, type CloudConfig } from '../../../cloudinit/index.js';
import { execInMachine, type Holder } from './sandbox.js';

/** What the agent needs from the user-data before the machine's SSH server can start. */
export interface SshIdentity {
  readonly hostPrivateKey: string;
  readonly authorizedKeys: string[];
}

/** A reason the machine cannot boot; its message becomes the instance's status message. */
export class BootError extends Error {
  override readonly name = 'BootError';
}

/** The host key and login keys from the user-data; refuses a user-data without a host key. */
export function sshIdentityOf(config: CloudConfig): SshIdentity {
  const hostPrivateKey = config.ssh_keys?.ed25519_private;
  if (hostPrivateKey === undefined || hostPrivateKey.trim() === '') {
    throw new BootError(
      'the user-data has no ssh_keys.ed25519_private: a local machine serves SSH with the host key the user-data gives it; add one (and ed25519_public) and start a new machine',
    );
  }
  return { hostPrivateKey, authorizedKeys: [...(config.ssh_authorized_keys ?? [])] };
}

export interface ApplyUserDataParams {
  readonly holder: Holder;
  readonly config: CloudConfig;
  /** Where the script's output is appended on the host (like cloud-init-output.log). */
  readonly consoleLog: string;
  readonly signal: AbortSignal;
}

/**
 * The script arrives on stdin and runs from the machine's private /run with stdin closed,
 * as cloud-init runs it: a command that reads stdin must not eat the rest of the script.
 * Its output goes to a log inside the machine, which `tail` streams to the agent: the
 * script outlives an agent that dies meanwhile (a write to a dead agent's pipe would
 * kill it), and the next agent follows it to the end rather than running it twice. A
 * process the script leaves in the background keeps only the log open, not the stream.
 */
const runFromStdin = [
  'umask 077; d=/run/envboot; mkdir -p $d && cat > $d/first-boot.sh || exit 1',
  'rm -f $d/first-boot.status; : > $d/first-boot.log',
  '( /bin/sh $d/first-boot.sh </dev/null >>$d/first-boot.log 2>&1; echo $? > $d/first-boot.status ) &',
  'echo $! > $d/first-boot.pid',
  'tail -n +1 -s 0.05 -f --pid=$! $d/first-boot.log',
  'exit "$(cat $d/first-boot.status 2>/dev/null || echo 1)"',
].join('\n');

/** Exit statuses of `followFirstBoot`'s command that are not the script's own. */
const notStarted = 200;
const endedWithoutStatus = 201;

/** Follows a first boot a previous agent started in this (adopted) machine to its end. */
const followRunning = [
  'd=/run/envboot',
  `[ -e $d/first-boot.pid ] || exit ${notStarted}`,
  'tail -n +1 -s 0.05 -f --pid="$(cat $d/first-boot.pid)" $d/first-boot.log',
  `[ -e $d/first-boot.status ] || exit ${endedWithoutStatus}`,
  'exit "$(cat $d/first-boot.status)"',
].join('\n');

/** How long the output may keep arriving after the command itself exited. */
const outputGraceMs = 200;

/**
 * Applies the user-data inside the machine as cloud-init would at first boot: the
 * cloud-config rendered as one shell script, run as root; it writes the nonce file last.
 * Rejects with the exit status and the tail of the output when the script fails.
 */
export async function applyUserData(params: ApplyUserDataParams): Promise<void> {
  const script = renderScript(params.config, { defaultUser: 'root' });
  const ended = await runBootCommand({ ...params, command: runFromStdin, stdin: script, logFlags: 'a' });
  if (ended.code !== 0) throw failure(ended);
}

export interface FollowFirstBootParams {
  readonly holder: Holder;
  readonly consoleLog: string;
  readonly signal: AbortSignal;
}

/**
 * In a machine adopted from a previous agent: waits for the first boot that agent
 * started to end, and takes its outcome (the console log is written anew from the
 * machine's own). `not-started` when it never started (the agent died during the boot
 * delay): then it is for the caller to apply. So user-data is applied once per machine.
 */
export async function followFirstBoot(params: FollowFirstBootParams): Promise<'done' | 'not-started'> {
  const ended = await runBootCommand({ ...params, command: followRunning, logFlags: 'w' });
  if (ended.code === notStarted) return 'not-started';
  if (ended.code === endedWithoutStatus) throw new BootError('its first boot was cut short (the script was killed before it finished); stop it and start a new one');
  if (ended.code !== 0) throw failure(ended);
  return 'done';
}

interface BootCommandEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last lines of its output. */
  readonly tail: readonly string[];
}

function failure(ended: BootCommandEnd): BootError {
  const how = ended.code === null ? `was killed by ${String(ended.signal)}` : `failed with exit status ${ended.code}`;
  return new BootError(`applying the user-data ${how}${ended.tail.length === 0 ? '' : `: ${ended.tail.join(' | ')}`}`);
}

/**
 * Runs a first-boot command in the machine, its output appended (or written, `w`) to the
 * console log. Settles when the command exits, not when its output ends: a process it
 * started in the background may hold that output; it gets a short grace to drain.
 */
function runBootCommand(params: {
  holder: Holder;
  command: string;
  stdin?: string;
  consoleLog: string;
  logFlags: 'a' | 'w';
  signal: AbortSignal;
}): Promise<BootCommandEnd> {
  // Throws when the machine is already stopped: before the log is opened, so nothing leaks.
  const child = execInMachine(params.holder, params.command);
  const log = createWriteStream(params.consoleLog, { flags: params.logFlags, mode: 0o600 });
  // The console log is a convenience: a failure to write it (directory removed, disk full)
  // must neither crash the agent nor fail the boot.
  log.on('error', () => undefined);
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    if (!log.destroyed) log.write(chunk);
    tail.push(...chunk.toString().split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 5));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdout?.on('error', () => undefined);
  child.stderr?.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(params.stdin ?? '');
  const onAbort = (): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  params.signal.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      params.signal.removeEventListener('abort', onAbort);
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
      log.end();
      outcome();
    };
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      settle(() => { resolve({ code, signal, tail }); });
    };
    child.once('error', (error) => {
      settle(() => { reject(new BootError(`cannot run nsenter to configure the machine: ${error.message}`)); });
    });
    // 'close' comes once the output has ended too: right after the exit, unless a background process holds it.
    child.once('close', finish);
    child.once('exit', (code, signal) => {
      grace = setTimeout(() => { finish(code, signal); }, outputGraceMs);
    });
  });
}
