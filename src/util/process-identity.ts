import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A process as the kernel knows it: its pid and its start time (clock ticks after boot),
 * which together never name two processes, so a recycled pid is never mistaken for it.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: number;
}

/** The identity of a live process; undefined when there is none (or only a zombie). */
export function identityOf(pid: number): ProcessIdentity | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = Number(fields[19]);
  if (state === undefined || state === 'Z' || state === 'X' || !Number.isInteger(startTime)) return undefined;
  return { pid, startTime };
}

/** True while the very process `identity` names is alive (not a zombie, not a recycled pid). */
export function isAlive(identity: ProcessIdentity): boolean {
  return identityOf(identity.pid)?.startTime === identity.startTime;
}

/** The process's argv; undefined when it is gone or unreadable. */
export function commandLineOf(pid: number): string[] | undefined {
  const raw = readProc(pid, 'cmdline');
  return raw === undefined ? undefined : raw.split('\0').filter((part) => part !== '');
}

/** The pids of a process's direct children (Linux 3.5+). */
export function childrenOf(pid: number): number[] {
  const raw = readProc(pid, `task/${pid}/children`);
  return raw === undefined ? [] : raw.trim().split(/\s+/).filter((part) => part !== '').map(Number);
}

/** Waits until none of the processes is alive; false when some still are after `timeoutMs`. */
export async function waitUntilGone(identities: readonly ProcessIdentity[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    if (!identities.some(isAlive)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pause);
  }
}

/** Sends `signal` to the process only while it is still the one `identity` names. */
export function signalProcess(identity: ProcessIdentity, signal: NodeJS.Signals): void {
  if (!isAlive(identity)) return;
  try {
    process.kill(identity.pid, signal);
  } catch {
    // Gone in between: what we wanted.
  }
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
