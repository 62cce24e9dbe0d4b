import path from 'node:path';

/**
 * Where an environment's qemu things live, all under its data directory (0700). A
 * machine's directory is 0700 and its record, seed and user-data 0600: the seed and the
 * user-data carry the machine's host private key.
 *
 * ```
 * <dataDir>/storage/                       provider-state (FilesystemStorage; removed by common code)
 * <dataDir>/machines/<id>/machine.json     the machine's record: tags, zone, SSH forward, QEMU's pid
 * <dataDir>/machines/<id>/overlay.qcow2    copy-on-write disk over the configured image
 * <dataDir>/machines/<id>/seed.iso         NoCloud seed (volume label cidata): user-data, meta-data
 * <dataDir>/machines/<id>/user-data        the user-data as startInstance got it, read back by the user-data ability
 * <dataDir>/machines/<id>/console.log      the serial console: boot diagnostics, kept until destroy
 * <dataDir>/machines/<id>/qemu.pid         written by QEMU itself once it runs
 * ```
 */
export interface QemuLayout {
  readonly dataDir: string;
  readonly storage: string;
  readonly machines: string;
}

/** The files of one machine. */
export interface MachineFiles {
  readonly dir: string;
  readonly record: string;
  readonly overlay: string;
  readonly seed: string;
  /** Where user-data and meta-data are staged while the seed is made (removed after). */
  readonly seedStaging: string;
  /** The user-data the machine was started with, kept as long as the machine (see `readQemuUserData`). */
  readonly userData: string;
  readonly console: string;
  readonly pidFile: string;
}

export function layoutFor(dataDir: string): QemuLayout {
  const dir = path.resolve(dataDir);
  return { dataDir: dir, storage: path.join(dir, 'storage'), machines: path.join(dir, 'machines') };
}

export function machineFiles(layout: QemuLayout, id: string): MachineFiles {
  const dir = path.join(layout.machines, id);
  return {
    dir,
    record: path.join(dir, 'machine.json'),
    overlay: path.join(dir, 'overlay.qcow2'),
    seed: path.join(dir, 'seed.iso'),
    seedStaging: path.join(dir, 'seed'),
    userData: path.join(dir, 'user-data'),
    console: path.join(dir, 'console.log'),
    pidFile: path.join(dir, 'qemu.pid'),
  };
}

/** Instance ids: `qemu-` and 12 hex digits, never reused (random), safe as a file name. */
export const instanceIdPattern = /^qemu-[0-9a-f]{12}$/;
