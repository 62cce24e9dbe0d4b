import type { Hardware, HardwareLimits } from '../../src/index.js';
import type { HostAddress } from './host-access.js';

/**
 * What a machine on an existing host can have: the hardware the host reports (see
 * `probeHost`), nothing more. A figure the host did not report is not checked, and the
 * operator is told which and why.
 */
export function hostLimits(address: HostAddress, hardware: Hardware): HardwareLimits {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    machine: `host ${address.user}@${host}:${address.port}`,
    source: 'as the host reports it',
    arches: hardware.arch === undefined ? undefined : [hardware.arch],
    maxCores: hardware.cores,
    maxMemoryMiB: hardware.memoryMiB,
    maxRootDiskMiB: hardware.rootDiskMiB,
    unknown: {
      arch: 'uname -m named no architecture a constraint can name',
      cores: 'nproc and getconf gave no count',
      mem: '/proc/meminfo gave no MemTotal',
      'root-disk': 'df / gave no size',
    },
  };
}
