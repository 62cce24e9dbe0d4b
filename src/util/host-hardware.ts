import { statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hardware } from '../provider/index.js';

const mib = 1024 * 1024;

/** Node's `process.arch` in constraint terms (`ppc64` is little-endian on Linux, where this runs). */
const arches: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };

/**
 * This host's hardware, for providers whose machines run on it: its architecture (absent
 * when no constraint can name it), cores, memory and, given a directory, the size of the
 * filesystem holding it as the root disk.
 *
 * @example
 * hostHardware('/var/lib/envboot'); // { arch: 'amd64', cores: 2, memoryMiB: 24_105, rootDiskMiB: 98_304 }
 */
export function hostHardware(dir?: string): Hardware {
  const arch = arches[process.arch];
  const rootDiskMiB = dir === undefined ? undefined : filesystemMiB(dir);
  return {
    ...(arch === undefined ? {} : { arch }),
    cores: os.cpus().length || os.availableParallelism(),
    memoryMiB: Math.floor(os.totalmem() / mib),
    ...(rootDiskMiB === undefined ? {} : { rootDiskMiB }),
  };
}

/** The size of the filesystem holding `dir`, or its nearest existing parent (the same filesystem until `dir` is made). */
export function filesystemMiB(dir: string): number | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const stats = statfsSync(at);
      return Math.floor((stats.blocks * stats.bsize) / mib);
    } catch {
      if (at === path.dirname(at)) return undefined;
    }
  }
}
