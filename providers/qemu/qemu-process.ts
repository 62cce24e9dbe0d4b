import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commandLineOf, identityOf, signalProcess, waitUntilGone, type ProcessIdentity } from '../../src/host/index.js';
import type { MachineFiles } from './layout.js';
import type { MachineRecord } from './machine-record.js';

/** A QEMU process: its pid and start time, which together never name two processes. */
export type QemuProcess = ProcessIdentity;

/** The start time of a live process (clock ticks after boot); undefined when there is none, or only a zombie. */
export function startTimeOf(pid: number): number | undefined {
  return identityOf(pid)?.startTime;
}

/**
 * True when `pid` is the QEMU of the machine whose files these are: a qemu-system binary
 * whose argv names this machine's own pid file (a path that holds the data directory and
 * the machine's unique id). A pid reused by any other process fails this.
 */
export function isMachineQemu(pid: number, files: Pick<MachineFiles, 'pidFile'>): boolean {
  const argv = commandLineOf(pid) ?? [];
  if (!path.basename(argv[0] ?? '').startsWith('qemu-system')) return false;
  const at = argv.indexOf('-pidfile');
  return at >= 0 && argv[at + 1] === files.pidFile;
}

/**
 * The machine's live QEMU, found from its record or, when the record does not have it yet
 * (a start interrupted between QEMU's start and the record's update), from the pid file
 * QEMU wrote. The record's pid and start time together name one process for good, so
 * they are trusted as they are: a later process may spell the data directory otherwise (a
 * symlinked home, another ENVBOOT_HOME), and an argv check would then orphan a running VM.
 * A pid from the pid file alone must be a QEMU whose argv names that very file.
 * Undefined when QEMU is not running.
 */
export function machineProcess(record: Pick<MachineRecord, 'process'>, files: Pick<MachineFiles, 'pidFile'>): QemuProcess | undefined {
  const recorded = record.process;
  if (recorded !== undefined && startTimeOf(recorded.pid) === recorded.startTime) return { pid: recorded.pid, startTime: recorded.startTime };
  const pid = readPidFile(files.pidFile);
  if (pid === undefined || pid === recorded?.pid) return undefined;
  const startTime = startTimeOf(pid);
  return startTime === undefined || !isMachineQemu(pid, files) ? undefined : { pid, startTime };
}

/** The pid QEMU wrote to its pid file, if any. */
export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ends a machine's QEMU: SIGTERM (QEMU exits at once; the guest is being destroyed, not shut
 * down), SIGKILL after `graceMs`, each only while the pid is still that very process. Resolves
 * true once it is gone, false when it outlived `timeoutMs`.
 */
export async function endProcess(process_: QemuProcess, options: { graceMs?: number; timeoutMs?: number } = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const graceMs = Math.min(options.graceMs ?? 3_000, timeoutMs);
  signalProcess(process_, 'SIGTERM');
  if (await waitUntilGone([process_], graceMs)) return true;
  signalProcess(process_, 'SIGKILL');
  return waitUntilGone([process_], timeoutMs - graceMs);
}
