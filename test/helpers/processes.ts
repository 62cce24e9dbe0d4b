import { readdirSync, readFileSync } from 'node:fs';

/** Ids of running processes whose command line contains `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  return pids().filter((pid) => {
    const cmdline = read(`/proc/${pid}/cmdline`);
    return cmdline !== undefined && cmdline.replaceAll('\0', ' ').includes(text) && !isZombie(pid);
  });
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat === undefined) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** True while the process exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  return read(`/proc/${pid}/stat`) !== undefined && !isZombie(pid);
}

function isZombie(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

function pids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
