import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultKernelCmdline, parseSize, qemuDescriptor, qemuProvider, validateQemuConfig } from '../../../providers/qemu/index.js';

describe('validateQemuConfig', () => {
  const defaults = { accel: 'auto', memoryMiB: 1024, cpus: 1, defaultUser: 'ubuntu', zones: ['qemu-a', 'qemu-b'] };
  const accepted: [string, unknown, unknown][] = [
    ['a disk image and nothing else', { image: '/img/noble.img' }, { boot: { kind: 'disk', image: '/img/noble.img' }, ...defaults }],
    [
      'direct kernel boot with every option',
      { kernel: '/i/vmlinuz', initrd: '/i/initrd.img', 'root-disk': '/i/rootfs.qcow2', 'kernel-cmdline': 'root=/dev/vda rw console=ttyS0', 'default-user': 'debian', accel: 'tcg', memory: '1.5G', cpus: 2, zones: ['z1'], 'disk-size': '20G' },
      {
        boot: { kind: 'kernel', kernel: '/i/vmlinuz', initrd: '/i/initrd.img', rootDisk: '/i/rootfs.qcow2', cmdline: 'root=/dev/vda rw console=ttyS0' },
        accel: 'tcg', memoryMiB: 1536, cpus: 2, defaultUser: 'debian', zones: ['z1'], diskSizeMiB: 20480,
      },
    ],
    ['a kernel without initrd or command line', { kernel: '/k', 'root-disk': '/r.img' }, { boot: { kind: 'kernel', kernel: '/k', rootDisk: '/r.img', cmdline: defaultKernelCmdline }, ...defaults }],
    ['memory as a number of MiB', { image: '/i', memory: 2048 }, { boot: { kind: 'disk', image: '/i' }, ...defaults, memoryMiB: 2048 }],
    ['a path under ~/', { image: '~/images/a.img' }, { boot: { kind: 'disk', image: path.join(homedir(), 'images/a.img') }, ...defaults }],
  ];
  for (const [name, config, expected] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(validateQemuConfig(config), { ok: true, config: expected });
      assert.deepEqual(qemuProvider.validateConfig({ config }), { ok: true, config: expected });
      assert.deepEqual(qemuDescriptor.validateConfig({ config }), { ok: true, config: expected });
    });
  }

  const refused: [string, unknown, string[]][] = [
    ['no config at all (there is no default image)', undefined, ['']],
    ['a list', ['image'], ['']],
    ['an empty mapping', {}, ['image']],
    ['a relative image path', { image: 'images/a.img' }, ['image']],
    ['an image that is not a string', { image: 7 }, ['image']],
    ['both an image and a kernel', { image: '/a', kernel: '/k', 'root-disk': '/r' }, ['kernel', 'root-disk']],
    ['a kernel without root disk', { kernel: '/k' }, ['root-disk']],
    ['kernel options without a kernel', { initrd: '/i', 'kernel-cmdline': 'x' }, ['initrd', 'kernel-cmdline', 'image']],
    ['a command line on two lines', { kernel: '/k', 'root-disk': '/r', 'kernel-cmdline': 'a\nb' }, ['kernel-cmdline']],
    ['an unknown accelerator', { image: '/a', accel: 'hvf' }, ['accel']],
    ['malformed and out-of-range sizes', { image: '/a', memory: 'lots', 'disk-size': '10M' }, ['memory', 'disk-size']],
    ['too little memory', { image: '/a', memory: '64M' }, ['memory']],
    ['cpus that are not a whole positive number', { image: '/a', cpus: 1.5 }, ['cpus']],
    ['zero cpus', { image: '/a', cpus: 0 }, ['cpus']],
    ['a default user that is no user name', { image: '/a', 'default-user': 'Ubuntu User' }, ['default-user']],
    ['bad and repeated zones', { image: '/a', zones: ['ok', 'Bad_Zone', 'ok'] }, ['zones[1]', 'zones[2]']],
    ['an empty zone list', { image: '/a', zones: [] }, ['zones']],
    [
      'every problem at once, unknown keys first',
      { img: '/a', mem: '1G', kernel: 'vmlinuz', accel: 'fast', cpus: -1, zones: 'a' },
      ['img', 'mem', 'kernel', 'root-disk', 'accel', 'cpus', 'zones'],
    ],
  ];
  for (const [name, config, paths] of refused) {
    it(`refuses ${name}, with a path for each problem`, () => {
      const result = validateQemuConfig(config);
      assert.ok(!result.ok, JSON.stringify(result));
      assert.deepEqual(result.problems.map((p) => p.path), paths);
      for (const problem of result.problems) assert.ok(problem.message.length > 20, problem.message);
    });
  }

  it('says which key was meant', () => {
    const result = validateQemuConfig({ image: '/a', mem: '1G', cores: 2, defaultUser: 'debian', accelerator: 'kvm' });
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => /did you mean "([^"]+)"/.exec(p.message)?.[1]), ['memory', 'cpus', 'default-user', 'accel']);
  });

  it('never quotes a long value in full', () => {
    const result = validateQemuConfig({ image: '/a', 'default-user': 'x'.repeat(500) });
    assert.ok(!result.ok);
    assert.ok(result.problems.every((p) => p.message.length < 200), JSON.stringify(result.problems));
  });

  it('parses sizes in binary units, rounding up to a whole MiB', () => {
    const sizes = ['512', '512M', '512MiB', '1G', '1g', '1.5G', '1GB', '1T', 768, '0.1M', '', 'G', '1 K', '-1G', 0, 'lots'];
    assert.deepEqual(sizes.map((s) => parseSize(s)), [512, 512, 512, 1024, 1024, 1536, 1024, 1048576, 768, 1, undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
