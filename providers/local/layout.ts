import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where an environment's local things live. Everything is under `dataDir`, except the
 * agent's socket when `<dataDir>/agent.sock` would be too long for a Unix socket.
 *
 * ```
 * <dataDir>/storage/                  provider-state (FilesystemStorage; removed by common code)
 * <dataDir>/agent.json                the running agent: pid, socket (written by the agent)
 * <dataDir>/agent.log                 the agent's log (`agentLogMarks`: what names a machine)
 * <dataDir>/agent.lock/               held while an agent is being started or stopped (names its holder)
 * <dataDir>/sandbox-setup.sh          the script that builds a machine's filesystem view
 * <dataDir>/used-ids                  every instance id ever given out, so none is reused
 * <dataDir>/machines/<id>/machine.json  the machine's record (0600: it holds the host key)
 * <dataDir>/machines/<id>/user-data     the user-data it was started with, byte for byte (0600; the user-data ability)
 * <dataDir>/machines/<id>/console.log   output of the first-boot configuration (kept until the machine is stopped)
 * <dataDir>/machines/<id>/fs/         the machine's own files (overlay layers, own dirs, /tmp)
 * <dataDir>/base/                     snapshots every machine's view is layered on (the host's /etc)
 * ```
 */
export interface LocalLayout {
  readonly dataDir: string;
  readonly storage: string;
  readonly agentInfo: string;
  readonly agentLog: string;
  /** The agent lock is the directory `<agentLock>.lock` (see `waitForHolderLock`). */
  readonly agentLock: string;
  readonly setupScript: string;
  readonly usedIds: string;
  readonly machines: string;
  readonly base: string;
}

/** The longest Unix socket path we use: sun_path holds 108 bytes with the final NUL, less a margin. */
const maxSocketPathBytes = 100;

export function layoutFor(dataDir: string): LocalLayout {
  const dir = path.resolve(dataDir);
  return {
    dataDir: dir,
    storage: path.join(dir, 'storage'),
    agentInfo: path.join(dir, 'agent.json'),
    agentLog: path.join(dir, 'agent.log'),
    agentLock: path.join(dir, 'agent'),
    setupScript: path.join(dir, 'sandbox-setup.sh'),
    usedIds: path.join(dir, 'used-ids'),
    machines: path.join(dir, 'machines'),
    base: path.join(dir, 'base'),
  };
}

export function machineDir(layout: LocalLayout, id: string): string {
  return path.join(layout.machines, id);
}

export function machineRecordFile(layout: LocalLayout, id: string): string {
  return path.join(layout.machines, id, 'machine.json');
}

/** The user-data the machine was started with, kept for as long as the machine (see `readLocalUserData`). */
export function machineUserDataFile(layout: LocalLayout, id: string): string {
  return path.join(layout.machines, id, 'user-data');
}

/**
 * `<dataDir>/agent.sock`, or, when that is too long for a Unix socket, a short path
 * derived from the data directory (so every process finds the same one) inside this
 * user's private directory under the temporary directory (see `ensurePrivateDir`: a
 * predictable name directly in a shared /tmp could be planted by another user).
 */
export function socketPathFor(dataDir: string, temporaryDir: string = tmpdir()): string {
  const preferred = path.join(path.resolve(dataDir), 'agent.sock');
  if (Buffer.byteLength(preferred) <= maxSocketPathBytes) return preferred;
  const digest = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 20);
  return path.join(temporaryDir, `envboot-${String(process.getuid?.() ?? 'user')}`, `local-${digest}.sock`);
}

/** Instance ids: `local-` and 8 hex digits (see `newInstanceId`), safe as a file name. */
export const instanceIdPattern = /^local-[0-9a-f]{8}$/;

/**
 * How the agent's log speaks of machine `id`: every line about it says `machine <id>`, and
 * the line written as its first boot starts (its output then goes to console.log) says
 * `machine <id>: first boot:`. The console ability reads the log back by these.
 */
export function agentLogMarks(id: string): { readonly about: string; readonly firstBoot: string } {
  return { about: `machine ${id}`, firstBoot: `machine ${id}: first boot:` };
}
