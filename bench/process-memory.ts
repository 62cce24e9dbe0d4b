import { readdirSync, readFileSync } from 'node:fs';

/** Memory of a process and all its descendants, from /proc (Linux). */
export interface TreeMemory {
  readonly processes: number;
  /** Resident set size summed: counts shared pages (libc, node) once per process. */
  readonly rssKiB: number;
  /** Proportional set size summed: shared pages split between their sharers; the fair total. */
  readonly pssKiB: number;
}

export function treeMemory(rootPid: number): TreeMemory {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (stat === undefined) continue;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let processes = 0;
  let rssKiB = 0;
  let pssKiB = 0;
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const rollup = read(`/proc/${pid}/smaps_rollup`);
    if (rollup !== undefined) {
      processes += 1;
      rssKiB += field(rollup, 'Rss');
      pssKiB += field(rollup, 'Pss');
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return { processes, rssKiB, pssKiB };
}

/** The first process whose command line contains every one of `parts`. */
export function findProcess(parts: readonly string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`)?.replaceAll('\0', ' ');
    if (cmdline !== undefined && parts.every((part) => cmdline.includes(part))) return Number(entry);
  }
  return undefined;
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
