import type { Problem, ValidateConfigResult } from '../../src/index.js';
import { editDistance } from '../../src/provider-config/index.js';
import { checkCmdline, checkCount, checkPath, checkSize, checkUser, checkZones, describeValue } from './config-values.js';

// Loaded by the CLI's light descriptor: no file is read here.

/** How a machine boots: a disk with its own boot loader, or a kernel QEMU loads itself. */
export type QemuBoot =
  | { readonly kind: 'disk'; readonly image: string }
  | { readonly kind: 'kernel'; readonly kernel: string; readonly initrd?: string; readonly rootDisk: string; readonly cmdline: string };

/** `auto` uses KVM where it really works and TCG (software emulation) otherwise. */
export type AccelSetting = 'auto' | 'kvm' | 'tcg';

/** The `qemu` provider's config, validated. Paths are absolute. */
export interface QemuConfig {
  readonly boot: QemuBoot;
  readonly accel: AccelSetting;
  readonly memoryMiB: number;
  readonly cpus: number;
  /** The image's SSH user (cloud-init's default user): `ubuntu`, `debian`, … */
  readonly defaultUser: string;
  readonly zones: readonly string[];
  /** The size of each machine's disk; absent: the image's own size. */
  readonly diskSizeMiB?: number;
}

export const qemuConfigKeys = [
  'image', 'kernel', 'initrd', 'root-disk', 'kernel-cmdline', 'accel', 'memory', 'cpus', 'default-user', 'zones', 'disk-size',
] as const;

/** Debian and Ubuntu cloud images keep the root file system on the first partition. */
export const defaultKernelCmdline = 'root=/dev/vda1 ro console=ttyS0';
export const qemuDefaults = { accel: 'auto', memoryMiB: 1024, cpus: 1, defaultUser: 'ubuntu', zones: ['qemu-a', 'qemu-b'] } as const;

const accels: readonly AccelSetting[] = ['auto', 'kvm', 'tcg'];
const kernelOnly = ['initrd', 'root-disk', 'kernel-cmdline'] as const;

/**
 * Checks a raw `qemu` config (kebab-case keys), every problem at once, each with its path.
 * Either `image` (a qcow2 or raw disk with its own boot loader) or `kernel` with
 * `root-disk` (and optionally `initrd`, `kernel-cmdline`) must be given.
 *
 * @example
 * validateQemuConfig({ image: '~/images/noble-server-cloudimg-amd64.img', memory: '2G', cpus: 2 });
 * validateQemuConfig({ kernel: '/img/vmlinuz', initrd: '/img/initrd.img', 'root-disk': '/img/rootfs.qcow2', 'default-user': 'debian' });
 */
export function validateQemuConfig(raw: unknown): ValidateConfigResult<QemuConfig> {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const got = raw === undefined || raw === null ? 'nothing' : describeValue(raw);
    return { ok: false, problems: [{ path: '', message: `the qemu provider's config must be a mapping naming the image to boot (image: PATH, or kernel and root-disk), got ${got}` }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (!(qemuConfigKeys as readonly string[]).includes(key)) problems.push({ path: key, message: unknownKeyMessage(key) });
  }
  const boot = checkBoot(input, problems);
  const accel = input['accel'] ?? qemuDefaults.accel;
  if (!accels.includes(accel as AccelSetting)) problems.push({ path: 'accel', message: `${describeValue(accel)} is not one of ${accels.join(', ')}` });
  const memoryMiB = input['memory'] === undefined ? qemuDefaults.memoryMiB : checkSize(input['memory'], 'memory', { min: 128, max: 1024 * 1024 }, problems);
  const cpus = input['cpus'] === undefined ? qemuDefaults.cpus : checkCount(input['cpus'], 'cpus', { min: 1, max: 255 }, problems);
  const defaultUser = input['default-user'] === undefined ? qemuDefaults.defaultUser : checkUser(input['default-user'], 'default-user', problems);
  const zones = input['zones'] === undefined ? [...qemuDefaults.zones] : checkZones(input['zones'], 'zones', problems);
  const diskSize = input['disk-size'] === undefined ? undefined : checkSize(input['disk-size'], 'disk-size', { min: 1024, max: 64 * 1024 * 1024 }, problems);
  if (problems.length > 0 || boot === undefined) return { ok: false, problems };
  return {
    ok: true,
    config: { boot, accel: accel as AccelSetting, memoryMiB, cpus, defaultUser, zones, ...(diskSize === undefined ? {} : { diskSizeMiB: diskSize }) },
  };
}

function checkBoot(input: Record<string, unknown>, problems: Problem[]): QemuBoot | undefined {
  const given = (key: string): boolean => input[key] !== undefined;
  if (given('image')) {
    const image = checkPath(input['image'], 'image', problems);
    for (const key of ['kernel', ...kernelOnly]) {
      if (given(key)) problems.push({ path: key, message: 'give either image (a disk that boots itself) or kernel and root-disk (direct kernel boot), not both' });
    }
    return { kind: 'disk', image };
  }
  if (!given('kernel')) {
    for (const key of kernelOnly) if (given(key)) problems.push({ path: key, message: 'only used with kernel (direct kernel boot); add kernel, or remove this key' });
    problems.push({ path: 'image', message: 'missing: name the cloud image to boot (image: PATH to a qcow2 or raw disk), or give kernel and root-disk for direct kernel boot' });
    return undefined;
  }
  const kernel = checkPath(input['kernel'], 'kernel', problems);
  const initrd = given('initrd') ? checkPath(input['initrd'], 'initrd', problems) : undefined;
  if (!given('root-disk')) problems.push({ path: 'root-disk', message: 'missing: direct kernel boot needs the root file system disk (root-disk: PATH to a qcow2 or raw image)' });
  const rootDisk = given('root-disk') ? checkPath(input['root-disk'], 'root-disk', problems) : '';
  const cmdline = given('kernel-cmdline') ? checkCmdline(input['kernel-cmdline'], 'kernel-cmdline', problems) : defaultKernelCmdline;
  return { kind: 'kernel', kernel, ...(initrd === undefined ? {} : { initrd }), rootDisk, cmdline };
}

function unknownKeyMessage(key: string): string {
  const kebab = key.replace(/_/g, '-').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  const near = qemuConfigKeys.find((known) => editDistance(known, kebab) <= 2);
  const synonyms: Readonly<Record<string, string>> = { mem: 'memory', ram: 'memory', cores: 'cpus', vcpus: 'cpus', user: 'default-user', cmdline: 'kernel-cmdline', accelerator: 'accel' };
  const meant = synonyms[kebab] ?? near;
  return `unknown key for the qemu provider (it accepts ${qemuConfigKeys.join(', ')})${meant === undefined ? '' : `; did you mean "${meant}"?`}`;
}
