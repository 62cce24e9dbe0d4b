import type { Constraints, Hardware, Problem } from '../../src/index.js';
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

/** Constraints no qemu machine can meet, every one, as problems. */
export function constraintProblems(constraints: Constraints): Problem[] {
  const problems: Problem[] = [];
  if (constraints.arch !== undefined && constraints.arch !== 'amd64') {
    problems.push({ path: 'arch', message: `qemu machines are amd64 (qemu-system-x86_64), not ${constraints.arch}; remove arch=${constraints.arch}` });
  }
  if (constraints.instanceType !== undefined) {
    problems.push({ path: 'instance-type', message: `the qemu provider has no instance types; use cores= and mem= instead of instance-type=${constraints.instanceType}` });
  }
  return problems;
}

export function hardwareOf(size: MachineSize): Hardware {
  return { arch: 'amd64', cores: size.cpus, memoryMiB: size.memoryMiB, rootDiskMiB: size.diskMiB };
}
