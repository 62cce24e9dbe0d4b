import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QemuBoot } from '../../../providers/qemu/config.js';
import { machineFiles, layoutFor } from '../../../providers/qemu/layout.js';
import { overlayArgs } from '../../../providers/qemu/overlay.js';
import { optionValue, qemuArgs, type QemuArgsParams } from '../../../providers/qemu/qemu-args.js';

const files = machineFiles(layoutFor('/data/env,1'), 'qemu-0123456789ab');
const diskBoot: QemuBoot = { kind: 'disk', image: '/img/noble.img' };
const kernelBoot: QemuBoot = { kind: 'kernel', kernel: '/img/vmlinuz', initrd: '/img/initrd.img', rootDisk: '/img/rootfs.qcow2', cmdline: 'root=/dev/vda rw console=ttyS0' };
const base: QemuArgsParams = { instanceId: 'qemu-0123456789ab', accel: 'tcg', boot: diskBoot, files, memoryMiB: 1024, cpus: 1, ssh: { host: '127.0.0.1', port: 40222 } };

/** The value following `flag` each time it appears. */
function valuesOf(args: readonly string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag ? [args[index + 1] ?? ''] : []));
}

describe('qemuArgs', () => {
  it('always isolates the guest: user networking with restrict=on, SSH forwarded from loopback only', () => {
    for (const params of [base, { ...base, accel: 'kvm' as const, boot: kernelBoot }]) {
      const args = qemuArgs(params);
      assert.deepEqual(valuesOf(args, '-netdev'), ['user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:40222-:22']);
      assert.deepEqual(valuesOf(args, '-device').filter((d) => d.includes('net')), ['virtio-net-pci,netdev=net0']);
      assert.ok(args.includes('-nodefaults'), 'no default NIC or other devices');
    }
  });

  it("boots from the machine's overlay, never the image, with the seed read-only (commas in paths doubled)", () => {
    const args = qemuArgs(base);
    assert.deepEqual(valuesOf(args, '-drive'), [
      'if=virtio,format=qcow2,discard=unmap,file=/data/env,,1/machines/qemu-0123456789ab/overlay.qcow2',
      'if=virtio,format=raw,readonly=on,file=/data/env,,1/machines/qemu-0123456789ab/seed.iso',
    ]);
    assert.ok(!args.some((arg) => arg.includes('/img/noble.img')), 'the image itself is only the overlay\'s backing file');
    assert.deepEqual(valuesOf(args, '-kernel'), []);
  });

  it('loads kernel, initrd and command line for direct kernel boot', () => {
    const args = qemuArgs({ ...base, boot: kernelBoot });
    assert.deepEqual([valuesOf(args, '-kernel'), valuesOf(args, '-initrd'), valuesOf(args, '-append')], [['/img/vmlinuz'], ['/img/initrd.img'], ['root=/dev/vda rw console=ttyS0']]);
    const noInitrd = qemuArgs({ ...base, boot: { kind: 'kernel', kernel: '/k', rootDisk: '/r', cmdline: 'c' } });
    assert.deepEqual(valuesOf(noInitrd, '-initrd'), []);
  });

  it('daemonizes with a pid file, logs the serial console, and sizes the VM', () => {
    const args = qemuArgs({ ...base, memoryMiB: 1536, cpus: 2 });
    assert.ok(args.includes('-daemonize'));
    assert.deepEqual(valuesOf(args, '-pidfile'), [files.pidFile]);
    assert.deepEqual(valuesOf(args, '-serial'), [`file:${files.console}`]);
    assert.deepEqual([valuesOf(args, '-m'), valuesOf(args, '-smp')], [['1536'], ['2']]);
    assert.deepEqual(valuesOf(args, '-display'), ['none']);
  });

  it('uses the host CPU under KVM and the richest emulated one under TCG', () => {
    assert.deepEqual([valuesOf(qemuArgs(base), '-accel'), valuesOf(qemuArgs(base), '-cpu')], [['tcg'], ['max']]);
    const kvm = qemuArgs({ ...base, accel: 'kvm' });
    assert.deepEqual([valuesOf(kvm, '-accel'), valuesOf(kvm, '-cpu')], [['kvm'], ['host']]);
  });

  it('doubles commas in option values', () => {
    assert.equal(optionValue('/a,b,,c'), '/a,,b,,,,c');
  });
});

describe('overlayArgs', () => {
  const disk = { path: '/img/noble.img', format: 'raw', virtualSizeMiB: 3584 };

  it('creates a qcow2 overlay backed by the image in its own format', () => {
    assert.deepEqual(overlayArgs({ base: disk, overlay: files.overlay, sizeMiB: 10240 }), [
      'create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', '/img/noble.img', files.overlay, '10240M',
    ]);
  });

  it('never makes the disk smaller than the image', () => {
    assert.equal(overlayArgs({ base: disk, overlay: files.overlay, sizeMiB: 1024 }).at(-1), '3584M');
  });
});
