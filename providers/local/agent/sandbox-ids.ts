import { createHash } from 'node:crypto';

/** The host ids a machine's user namespace maps its ids 0.. onto. */
export interface SandboxIds {
  /** The outer id of the machine's root: 0 (the user's own id) when unprivileged. */
  readonly outer: number;
  /** How many ids the machine has: 1 (root only) unprivileged, 65536 as real root. */
  readonly count: number;
}

/** The first id of the ranges machines get as real root. */
export const firstMachineId = 2 ** 30;
const rangeSize = 65_536;
const ranges = 16_384;

/**
 * The ids of one machine. Unprivileged, the only id a user namespace may have is the
 * user's own, which the machine's root becomes. As real root, the machine's root must not
 * be uid 0 of the host (root-owned files, `/proc/sys` and device nodes would be its own),
 * so the machines of an environment get 65536 ids of their own between 2^30 and 2^31, no
 * user of the host (useradd's ranges and /etc/subuid's stay far below). One range per
 * environment, because its machines share one snapshot of /etc as the lower layer of their
 * views, which their root must own to change. It is derived from the environment's data
 * directory, so an agent restarted later finds the same one and the files keep their owner.
 *
 * @example
 * sandboxIds({ dataDir: '/root/.local/share/envboot/environments/dev/provider', privileged: true });
 * // { outer: 1_4xx_xxx_xxx, count: 65536 }
 */
export function sandboxIds(params: { dataDir: string; privileged: boolean }): SandboxIds {
  if (!params.privileged) return { outer: 0, count: 1 };
  const slot = createHash('sha256').update(params.dataDir).digest().readUInt32BE(0) % ranges;
  return { outer: firstMachineId + slot * rangeSize, count: rangeSize };
}
