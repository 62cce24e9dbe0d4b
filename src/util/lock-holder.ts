import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { formatDuration } from './duration.js';
import { parseJsonObject } from './json-object.js';
import { identityOf, isAlive } from './process-identity.js';

/**
 * Who holds a lock, as written in it: enough to tell, from this process, whether the
 * holder still runs, and to name it to a user who is refused.
 */
export interface LockHolder {
  /** Unique to one acquisition: tells this lock from a later one of the same holder. */
  readonly token: string;
  readonly pid: number;
  /** The pid's start time (clock ticks after boot); absent where /proc is not readable. */
  readonly startTime?: number;
  readonly host: string;
  /** The kernel's boot id and the pid namespace: equal on both sides means the pid can be looked up here. */
  readonly bootId?: string;
  readonly pidNamespace?: string;
  /** What runs, as the user would type it (e.g. `envboot bootstrap demo`). */
  readonly command: string;
  readonly since: string;
  /** The lease: the holder renews it while it runs; a holder that cannot be looked up is gone once it lapses. */
  readonly renewedAt: string;
  readonly leaseMs: number;
}

/** Where a holder runs, from this process's point of view. */
export interface HostIdentity {
  readonly host: string;
  readonly bootId?: string;
  readonly pidNamespace?: string;
}

/** This process's host: its name, and the kernel and pid namespace its pids are valid in. */
export function thisHost(): HostIdentity {
  const bootId = readOrUndefined(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  const pidNamespace = readOrUndefined(() => readlinkSync('/proc/self/ns/pid'));
  return { host: hostname(), ...(bootId === undefined ? {} : { bootId }), ...(pidNamespace === undefined ? {} : { pidNamespace }) };
}

/** The holder record for this process, taking a lock now. */
export function holderForThisProcess(params: { token: string; command: string; leaseMs: number; now: number; host?: HostIdentity }): LockHolder {
  const startTime = identityOf(process.pid)?.startTime;
  const at = new Date(params.now).toISOString();
  return {
    token: params.token,
    pid: process.pid,
    ...(startTime === undefined ? {} : { startTime }),
    ...(params.host ?? thisHost()),
    command: params.command,
    since: at,
    renewedAt: at,
    leaseMs: params.leaseMs,
  };
}

/**
 * Whether the holder can be looked up here: the same kernel and pid namespace, with a
 * recorded start time. A hostname alone proves neither (containers, clones share one).
 */
export function runsHere(holder: LockHolder, here: HostIdentity): boolean {
  return holder.startTime !== undefined && holder.bootId !== undefined && holder.bootId === here.bootId && holder.pidNamespace === here.pidNamespace;
}

/**
 * True when the holder no longer runs: here, its pid is gone or names another process
 * (a different start time); elsewhere, its lease lapsed without being renewed.
 */
export function holderIsGone(holder: LockHolder, params: { here: HostIdentity; now: number }): boolean {
  if (runsHere(holder, params.here) && holder.startTime !== undefined) return !isAlive({ pid: holder.pid, startTime: holder.startTime });
  return params.now > Date.parse(holder.renewedAt) + holder.leaseMs;
}

/**
 * The holder as a refused user reads it: what runs, where, since when. Quoted as JSON,
 * so that a lock file written by someone else cannot put escape sequences on a terminal.
 */
export function describeHolder(holder: LockHolder, params: { here: HostIdentity; now: number }): string {
  const where = runsHere(holder, params.here) ? 'on this host' : `on host ${JSON.stringify(holder.host)}`;
  const since = Date.parse(holder.since);
  const when = Number.isNaN(since) ? '' : `, since ${new Date(since).toISOString().replace(/\.\d+Z$/, 'Z')} (${formatDuration(Math.max(0, params.now - since))} ago)`;
  return `${JSON.stringify(holder.command)} (pid ${holder.pid} ${where}${when})`;
}

/** The holder in `text`, or undefined when it is not one (a damaged or foreign file). */
export function parseHolder(text: string): LockHolder | undefined {
  const v = parseJsonObject(text);
  if (v === undefined) return undefined;
  const strings = ['token', 'host', 'command', 'since', 'renewedAt'].every((key) => typeof v[key] === 'string');
  const numbers = ['pid', 'leaseMs'].every((key) => Number.isInteger(v[key]));
  if (!strings || !numbers || Number.isNaN(Date.parse(String(v['renewedAt'])))) return undefined;
  return v as unknown as LockHolder;
}

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
