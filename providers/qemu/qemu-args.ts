import type { QemuBoot } from './config.js';
import type { MachineFiles } from './layout.js';

export interface QemuArgsParams {
  readonly instanceId: string;
  readonly accel: 'kvm' | 'tcg';
  readonly boot: QemuBoot;
  readonly files: Pick<MachineFiles, 'overlay' | 'seed' | 'console' | 'pidFile'>;
  readonly memoryMiB: number;
  readonly cpus: number;
  /** The loopback address and port forwarded to the guest's port 22. */
  readonly ssh: { readonly host: string; readonly port: number };
}

/**
 * QEMU's command line for one machine. What it guarantees:
 * - user networking with `restrict=on` always: the guest reaches nothing outside, and its
 *   one way in is the SSH forward, bound to a loopback address only;
 * - the machine's disk is its copy-on-write overlay (the image is never written), and the
 *   NoCloud seed is attached read-only;
 * - the serial console goes to the machine's console log (its boot diagnostics);
 * - QEMU daemonizes once the VM is set up and writes its pid file, so the machine outlives
 *   the process that started it, and the pid file's path (which holds the data directory
 *   and the unique instance id) identifies the process later (see `isMachineQemu`).
 *
 * @example
 * spawn(tools.qemu, qemuArgs({ instanceId: 'qemu-0123456789ab', accel: 'tcg', boot, files, memoryMiB: 1024, cpus: 1, ssh: { host: '127.0.0.1', port: 40222 } }));
 */
export function qemuArgs(params: QemuArgsParams): string[] {
  const { files, ssh } = params;
  const kernelBoot = params.boot.kind === 'kernel' ? kernelArgs(params.boot) : [];
  return [
    '-name', `envboot-${params.instanceId}`,
    '-machine', 'q35',
    '-accel', params.accel,
    // The host's CPU under KVM; under TCG the richest model QEMU emulates (images built for x86-64-v2 need it).
    '-cpu', params.accel === 'kvm' ? 'host' : 'max',
    '-smp', String(params.cpus),
    '-m', String(params.memoryMiB),
    '-nodefaults', '-no-user-config', '-display', 'none',
    '-serial', `file:${files.console}`,
    '-drive', `if=virtio,format=qcow2,discard=unmap,file=${optionValue(files.overlay)}`,
    '-drive', `if=virtio,format=raw,readonly=on,file=${optionValue(files.seed)}`,
    '-netdev', `user,id=net0,restrict=on,hostfwd=tcp:${ssh.host}:${ssh.port}-:22`,
    '-device', 'virtio-net-pci,netdev=net0',
    // Entropy from the host: a guest without it can stall its first boot waiting for randomness.
    '-device', 'virtio-rng-pci',
    ...kernelBoot,
    '-daemonize', '-pidfile', files.pidFile,
  ];
}

function kernelArgs(boot: Extract<QemuBoot, { kind: 'kernel' }>): string[] {
  return ['-kernel', boot.kernel, ...(boot.initrd === undefined ? [] : ['-initrd', boot.initrd]), '-append', boot.cmdline];
}

/** A value inside a QEMU `key=value,…` option: commas are doubled, as QEMU's option parser expects. */
export function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}
