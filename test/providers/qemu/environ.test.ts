import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { findHostTools } from '../../../providers/qemu/host-tools.js';
import { KvmVerdicts, QemuEnviron, validateQemuConfig, type KvmVerdict } from '../../../providers/qemu/index.js';
import os from 'node:os';
import { bootstrap, ErrorCode, findInChain, hasHardwareLimits, isCancelled, isConfigError, machineTags, type Constraints, type StartInstanceParams } from '../../../src/index.js';
import { requireTool } from '../../helpers/require-tool.js';
import { tempDir } from '../../helpers/temp-dir.js';

const environment = { name: 'unit', uuid: randomUUID() };
const noKvm = new KvmVerdicts(() => Promise.resolve<KvmVerdict>({ usable: false, detail: '/dev/kvm does not exist' }));

async function environ(config: Record<string, unknown>): Promise<{ environ: QemuEnviron; dataDir: string }> {
  const checked = validateQemuConfig(config);
  assert.ok(checked.ok, JSON.stringify(checked));
  const dataDir = path.join(await tempDir('envboot-qemu-environ-'), 'provider');
  return { environ: new QemuEnviron({ environment, config: checked.config, dataDir, kvmVerdicts: noKvm }), dataDir };
}

/** A small, empty qcow2 disk made with qemu-img: enough to pass the image checks. */
async function tinyImage(t: TestContext): Promise<string | undefined> {
  const qemuImg = requireTool(t, 'qemu-img', 'images are inspected with it');
  if (qemuImg === undefined) return undefined;
  const image = path.join(await tempDir('envboot-qemu-image-'), 'tiny.qcow2');
  execFileSync(qemuImg, ['create', '-q', '-f', 'qcow2', image, '64M']);
  return image;
}

const start = (extra: Partial<StartInstanceParams> = {}): StartInstanceParams => ({
  machineId: '0', constraints: {}, userData: Buffer.from('#cloud-config\n'), tags: machineTags(environment, '0'), ...extra,
});

describe('qemu environ without machines', () => {
  it('reports its health: tools, image, accelerator (TCG, and why) and network', async (t) => {
    const image = await tinyImage(t);
    if (image === undefined || requireTool(t, 'qemu-system-x86_64', 'machines are QEMU VMs') === undefined) return;
    const { environ: env, dataDir } = await environ({ image });
    const report = await env.preflight({});
    assert.deepEqual(report.checks?.map((check) => check.name), ['tools', 'image', 'accelerator', 'network']);
    assert.match(report.checks[1]?.detail ?? '', /tiny\.qcow2: qcow2, 64 MiB; boots from its own boot loader/);
    assert.match(report.checks[2]?.detail ?? '', /^TCG \(software emulation.*\/dev\/kvm does not exist/);
    assert.match(report.warnings[0] ?? '', /machines run under TCG.*Why: \/dev\/kvm does not exist/);
    const { environ: configured } = await environ({ image, accel: 'tcg' });
    assert.deepEqual((await configured.preflight({})).warnings, [], 'TCG as configured is no surprise');
    assert.equal(existsSync(dataDir), false, 'preflight creates nothing');
  });

  it('refuses to start, creating nothing, where the image is missing or KVM is demanded and broken', async (t) => {
    const image = await tinyImage(t);
    if (image === undefined || requireTool(t, 'qemu-system-x86_64', 'machines are QEMU VMs') === undefined) return;
    const missing = await environ({ kernel: '/nonexistent/vmlinuz', 'root-disk': '/nonexistent/rootfs.qcow2' });
    await assert.rejects(missing.environ.preflight({}), (error: unknown) => {
      assert.ok(isConfigError(error));
      assert.deepEqual((error as { problems: { path: string }[] }).problems.map((p) => p.path), ['kernel', 'root-disk']);
      assert.match((error as Error).message, /\/nonexistent\/vmlinuz does not exist; download the cloud image/);
      return true;
    });
    await assert.rejects(missing.environ.startInstance(start()), (error: unknown) => findInChain(error, ErrorCode.ZoneIndependent) !== undefined && isConfigError(error));
    const kvm = await environ({ image, accel: 'kvm' });
    await assert.rejects(kvm.environ.startInstance(start()), /accel is kvm, but KVM cannot be used here: \/dev\/kvm does not exist/);
    assert.equal(existsSync(missing.dataDir) || existsSync(kvm.dataDir), false);
  });

  it('refuses a placement, an unknown zone, another architecture and an instance type before looking at the host', async () => {
    const { environ: env, dataDir } = await environ({ image: '/nonexistent.img' });
    const refusals: [Partial<StartInstanceParams>, RegExp][] = [
      [{ placement: 'ubuntu@203.0.113.7' }, /takes no placement/],
      [{ zone: 'us-east-1a' }, /zone "us-east-1a" is not one of this environment's zones \(qemu-a, qemu-b\)/],
      [{ constraints: { arch: 'arm64', instanceType: 't3.small' } }, /instance-type=t3\.small: the qemu provider has no instance types[^]*arch=arm64: a qemu VM is amd64 \(this host's\)/],
      [{ userData: new Uint8Array(2_000_000) }, /over the qemu provider's limit of 1048576/],
      [{ tags: { 'envboot-environment-uuid': 'someone-else' } }, /not this environment's/],
    ];
    for (const [extra, message] of refusals) {
      await assert.rejects(env.startInstance(start(extra)), (error: unknown) => isConfigError(error) && message.test((error as Error).message));
    }
    assert.equal(existsSync(dataDir), false);
  });

  it("states what a VM here can have: amd64, this host's cores and memory, its filesystem's size", async () => {
    const { environ: env, dataDir } = await environ({ image: '/i.img' });
    assert.ok(hasHardwareLimits(env));
    const limits = await env.hardwareLimits({});
    assert.deepEqual(limits.arches, ['amd64']);
    assert.equal(limits.maxCores, os.cpus().length);
    assert.equal(limits.maxMemoryMiB, Math.floor(os.totalmem() / 1024 / 1024));
    assert.ok((limits.maxRootDiskMiB ?? 0) > 0);
    assert.equal(existsSync(dataDir), false);
  });

  it('refuses in bootstrap, before the claim and without a VM, constraints no VM here can have', async (t) => {
    const image = await tinyImage(t);
    if (image === undefined || requireTool(t, 'qemu-system-x86_64', 'machines are QEMU VMs') === undefined) return;
    const { environ: env, dataDir } = await environ({ image });
    const cores = os.cpus().length;
    const refusals: [Constraints, RegExp][] = [
      [{ cores: cores + 1 }, new RegExp(`cores=${cores + 1}: a qemu VM has at most ${cores} cores? \\(this host's\\); ask for cores=${cores} or fewer`)],
      [{ memoryMiB: 1024 ** 3 }, /mem=1P: a qemu VM has at most [\d.]+ GiB of memory \(this host's\); ask for mem=\d+G or less/],
      [{ rootDiskMiB: 1024 ** 3 }, /root-disk=1P: a qemu VM has at most a [\d.]+ [GT]iB root disk \(this host's\)/],
      [{ arch: 'arm64' }, /arch=arm64: a qemu VM is amd64 \(this host's\); remove arch= or ask for arch=amd64/],
      [{ instanceType: 't3.small' }, /instance-type=t3\.small: the qemu provider has no instance types/],
    ];
    for (const [constraints, message] of refusals) {
      await assert.rejects(bootstrap({ environ: env, constraints }), (error: unknown) => isConfigError(error) && message.test((error as Error).message));
    }
    assert.equal(existsSync(dataDir), false, 'no provider-state, no machine directory: nothing was created');
  });

  it('refuses cloud-config that installs packages: the machines have no network', async () => {
    const { environ: env } = await environ({ image: '/i.img' });
    assert.deepEqual(env.checkCloudConfig({ packages: ['nginx'], package_update: false, apt: {} }).map((p) => p.path), ['packages', 'apt']);
    assert.match(env.checkCloudConfig({ packages: ['nginx'] })[0]?.message ?? '', /no network but their SSH forward \(restrict=on\)/);
  });

  it('lists, stops and tears down nothing without creating anything', async () => {
    const { environ: env, dataDir } = await environ({ image: '/i.img', zones: ['z1', 'z2', 'z3'] });
    assert.deepEqual(await env.allInstances({}), []);
    assert.deepEqual(await env.instances({ ids: ['qemu-0123456789ab', '../etc'] }), [undefined, undefined]);
    await env.stopInstances({ ids: ['qemu-0123456789ab', 'i-123'] });
    assert.deepEqual(await env.availabilityZones({}), ['z1', 'z2', 'z3'].map((name) => ({ name, available: true })));
    assert.deepEqual(await env.deriveZones({ start: { machineId: '0', constraints: {}, tags: {}, zone: 'z2' } }), ['z2']);
    assert.deepEqual(await env.teardown({}), { removed: [], failures: [] });
    assert.equal('prepare' in env, false, 'the qemu provider shares nothing between machines: it has no prepare');
    assert.equal(env.sshUser, 'ubuntu');
    assert.equal(existsSync(dataDir), false);
  });

  it('rejects every call with an aborted signal as CANCELLED', async () => {
    const { environ: env } = await environ({ image: '/i.img' });
    const signal = AbortSignal.abort();
    for (const call of [
      () => env.preflight({ signal }),
      () => env.startInstance(start({ signal })),
      () => env.stopInstances({ ids: ['qemu-0123456789ab'], signal }),
      () => env.instances({ ids: [], signal }),
      () => env.allInstances({ signal }),
      () => env.availabilityZones({ signal }),
      () => env.instanceZones({ ids: [], signal }),
      () => env.deriveZones({ start: start(), signal }),
      () => env.teardown({ signal }),
    ]) {
      await assert.rejects(call(), isCancelled);
    }
  });
});

describe('findHostTools', () => {
  it('names every missing program with the Debian package to install', () => {
    assert.throws(() => findHostTools(() => undefined), (error: unknown) => {
      assert.ok(isConfigError(error));
      assert.match((error as Error).message, /qemu-system-x86_64 \(package qemu-system-x86\); qemu-img \(package qemu-utils\); a NoCloud seed maker \(genisoimage, xorriso, mkisofs\) \(package genisoimage\); install them, e\.g\. sudo apt-get install qemu-system-x86 qemu-utils genisoimage/);
      return true;
    });
  });

  it('takes xorriso when genisoimage is missing', () => {
    const tools = findHostTools((tool) => (tool === 'genisoimage' ? undefined : `/usr/bin/${tool}`));
    assert.deepEqual(tools.seedMaker, { kind: 'xorriso', path: '/usr/bin/xorriso' });
  });
});
