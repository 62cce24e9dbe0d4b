import type { Constraints, Hardware, HardwareLimits } from '../../src/index.js';
import { hostHardware } from '../../src/host/index.js';
import type { QemuConfig } from './config.js';

/** The machine's hardware: the config's size, raised to what the constraints ask for. */
export interface MachineSize {
  readonly memoryMiB: number;
  readonly cpus: number;
  readonly diskMiB: number;
}

/**
 * What a machine gets: `memory`, `cpus` and `disk-size` from the config, each raised to the
 * constraints' lower bound (`mem=4G cores=2 root-disk=20G`), the disk never below the
 * image's own size. Every machine is amd64 (qemu-system-x86_64).
 */
export function machineSize(config: Pick<QemuConfig, 'memoryMiB' | 'cpus' | 'diskSizeMiB'>, constraints: Constraints, imageMiB: number): MachineSize {
  return {
    memoryMiB: Math.max(config.memoryMiB, constraints.memoryMiB ?? 0),
    cpus: Math.max(config.cpus, constraints.cores ?? 0),
    diskMiB: Math.max(config.diskSizeMiB ?? 0, constraints.rootDiskMiB ?? 0, imageMiB),
  };
}

/**
 * What one qemu VM on this host can have: amd64 (qemu-system-x86_64), at most this host's
 * cores (more vCPUs than the host has only slow every one of them down) and memory (QEMU
 * cannot back more), and a root disk no larger than the filesystem its overlay grows on.
 */
export function qemuLimits(dataDir: string): HardwareLimits {
  const host = hostHardware(dataDir);
  return {
    machine: 'a qemu VM',
    source: "this host's",
    arches: ['amd64'],
    maxCores: host.cores,
    maxMemoryMiB: host.memoryMiB,
    maxRootDiskMiB: host.rootDiskMiB,
    unknown: { 'root-disk': `the filesystem of ${dataDir} could not be read` },
  };
}

export function hardwareOf(size: MachineSize): Hardware {
  return { arch: 'amd64', cores: size.cpus, memoryMiB: size.memoryMiB, rootDiskMiB: size.diskMiB };
}
