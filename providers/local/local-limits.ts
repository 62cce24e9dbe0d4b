import type { HardwareLimits } from '../../src/index.js';
import { hostHardware } from '../../src/host/index.js';

/**
 * What one local machine can have: exactly this host's hardware, which the agent also
 * reports for every machine. A sandbox is not a VM: no cores or memory are set aside for
 * it, and its own files go to the filesystem of the environment's data directory.
 */
export function localLimits(dataDir: string): HardwareLimits {
  const hardware = hostHardware(dataDir);
  return {
    machine: 'a local machine',
    source: "this host's: local machines share it",
    arches: hardware.arch === undefined ? undefined : [hardware.arch],
    maxCores: hardware.cores,
    maxMemoryMiB: hardware.memoryMiB,
    maxRootDiskMiB: hardware.rootDiskMiB,
    unknown: {
      arch: `Node names this host's architecture ${process.arch}, which no constraint names`,
      'root-disk': `the filesystem of ${dataDir} could not be read`,
    },
  };
}
