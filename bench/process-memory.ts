import { readFileSync } from 'node:fs';
import { processTree } from '../test/helpers/processes.js';

/** Memory of a process and all its descendants, from /proc (Linux). */
export interface TreeMemory {
  readonly processes: number;
  /** Resident set size summed: counts shared pages (libc, node) once per process. */
  readonly rssKiB: number;
  /** Proportional set size summed: shared pages split between their sharers; the fair total. */
  readonly pssKiB: number;
}

export function treeMemory(rootPid: number): TreeMemory {
  let processes = 0;
  let rssKiB = 0;
  let pssKiB = 0;
  for (const pid of processTree(rootPid)) {
    const rollup = read(`/proc/${pid}/smaps_rollup`);
    if (rollup === undefined) continue;
    processes += 1;
    rssKiB += field(rollup, 'Rss');
    pssKiB += field(rollup, 'Pss');
  }
  return { processes, rssKiB, pssKiB };
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function field(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]);
}
