import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { chooseAccelerator, KvmVerdicts, probeKvm, type KvmVerdict } from '../../../providers/qemu/index.js';
import { probeFirmware } from '../../../providers/qemu/probe-firmware.js';
import { isCancelled, isConfigError } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const works: KvmVerdict = { usable: true, detail: '/dev/kvm works' };
const broken: KvmVerdict = { usable: false, detail: 'a guest under KVM ran in real mode but never reached protected mode' };

describe('chooseAccelerator', () => {
  const table: [string, 'auto' | 'kvm' | 'tcg', KvmVerdict | undefined, 'kvm' | 'tcg', RegExp][] = [
    ['auto takes a KVM that works', 'auto', works, 'kvm', /^KVM: \/dev\/kvm works/],
    ['auto falls back to TCG, saying why', 'auto', broken, 'tcg', /^TCG \(software emulation.*\): a guest under KVM ran in real mode/],
    ['kvm takes a KVM that works', 'kvm', works, 'kvm', /^KVM/],
    ['tcg never needs the probe', 'tcg', undefined, 'tcg', /as configured \(accel: tcg\)/],
    ['tcg stays TCG where KVM works', 'tcg', works, 'tcg', /as configured/],
  ];
  for (const [name, setting, verdict, accel, detail] of table) {
    it(name, () => {
      const chosen = chooseAccelerator(setting, verdict);
      assert.equal(chosen.accel, accel);
      assert.match(chosen.detail, detail);
    });
  }

  it('refuses accel: kvm where KVM does not work, with the reason, at the accel key', () => {
    assert.throws(() => chooseAccelerator('kvm', broken), (error: unknown) => {
      assert.ok(isConfigError(error));
      assert.match((error as Error).message, /accel is kvm, but KVM cannot be used here: a guest under KVM ran in real mode.*set accel to auto or tcg/);
      assert.deepEqual((error as { problems: { path: string }[] }).problems.map((p) => p.path), ['accel']);
      return true;
    });
  });
});

describe('KvmVerdicts', () => {
  it('probes once per QEMU binary and shares the answer', async () => {
    const probed: string[] = [];
    const verdicts = new KvmVerdicts(({ qemu }) => { probed.push(qemu); return Promise.resolve(works); });
    const answers = await Promise.all([verdicts.verdict({ qemu: '/a' }), verdicts.verdict({ qemu: '/a' }), verdicts.verdict({ qemu: '/b' })]);
    assert.deepEqual(answers, [works, works, works]);
    assert.deepEqual(await verdicts.verdict({ qemu: '/a' }), works);
    assert.deepEqual(probed, ['/a', '/b']);
  });

  it('forgets a probe that failed, and lets a caller cancel its wait without stopping the probe', async () => {
    let calls = 0;
    const verdicts = new KvmVerdicts(() => (++calls === 1 ? Promise.reject(new Error('spawn failed')) : Promise.resolve(broken)));
    await assert.rejects(verdicts.verdict({ qemu: '/a' }), /spawn failed/);
    await assert.rejects(verdicts.verdict({ qemu: '/a', signal: AbortSignal.abort() }), isCancelled);
    assert.deepEqual(await verdicts.verdict({ qemu: '/a' }), broken);
    assert.equal(calls, 2);
  });
});

describe('probeKvm', () => {
  /** A stand-in QEMU: a shell script that behaves as QEMU does under some KVM. */
  async function fakeQemu(script: string): Promise<{ qemu: string; device: string }> {
    const dir = await tempDir('envboot-kvm-probe-test-');
    const qemu = path.join(dir, 'qemu-system-x86_64');
    await writeFile(qemu, `#!/bin/sh\n${script}\n`);
    await chmod(qemu, 0o755);
    const device = path.join(dir, 'kvm');
    await writeFile(device, '');
    return { qemu, device };
  }
  const fast = { startTimeoutMs: 2_000, stepTimeoutMs: 200 };

  it('says KVM works when the guest reaches long mode', async () => {
    const verdict = await probeKvm({ ...(await fakeQemu('printf RPL; exec sleep 30')), ...fast });
    assert.equal(verdict.usable, true);
    assert.match(verdict.detail, /works \(a guest reached long mode under KVM in \d+ ms\)/);
  });

  it('falls back when the guest hangs at a mode switch, soon after its first step', async () => {
    const started = Date.now();
    const inReal = await probeKvm({ ...(await fakeQemu('printf R; exec sleep 30')), ...fast });
    assert.deepEqual(inReal, { usable: false, detail: inReal.detail });
    assert.match(inReal.detail, /ran in real mode but never reached protected mode \(nested or paravirtual KVM/);
    const inProtected = await probeKvm({ ...(await fakeQemu('printf RP; exec sleep 30')), ...fast });
    assert.match(inProtected.detail, /ran in protected mode but never reached long mode/);
    const never = await probeKvm({ ...(await fakeQemu('exec sleep 30')), ...fast });
    assert.match(never.detail, /a guest under KVM never ran/);
    assert.ok(Date.now() - started < 10_000, 'none of them waits for the VM to give up');
  });

  it("falls back with QEMU's own words when QEMU cannot open KVM", async () => {
    const verdict = await probeKvm(await fakeQemu('echo "qemu-system-x86_64: failed to initialize kvm: Permission denied" >&2; exit 1'));
    assert.deepEqual(verdict, { usable: false, detail: 'QEMU cannot use KVM (qemu-system-x86_64: failed to initialize kvm: Permission denied)' });
  });

  it('falls back without running QEMU when there is no device', async () => {
    const verdict = await probeKvm({ qemu: '/nonexistent/qemu', device: '/nonexistent/kvm' });
    assert.match(verdict.detail, /\/nonexistent\/kvm does not exist/);
  });

  it('is cancelled by its signal', async () => {
    await assert.rejects(probeKvm({ ...(await fakeQemu('exec sleep 30')), signal: AbortSignal.abort() }), isCancelled);
    const controller = new AbortController();
    const probing = probeKvm({ ...(await fakeQemu('printf R; exec sleep 30')), signal: controller.signal });
    setTimeout(() => { controller.abort(); }, 50);
    await assert.rejects(probing, isCancelled);
  });

  it('gives a verdict on the real QEMU and /dev/kvm of this host', { skip: !existsSync('/usr/bin/qemu-system-x86_64') && 'no QEMU here' }, async (t) => {
    const verdict = await probeKvm({ qemu: '/usr/bin/qemu-system-x86_64' });
    t.diagnostic(`KVM here: ${verdict.usable ? 'usable' : 'not usable'}: ${verdict.detail}`);
    assert.ok(verdict.detail.length > 10);
  });

  it('ships a firmware image with its reset vector in place', () => {
    const image = probeFirmware();
    assert.equal(image.length, 0x10000);
    assert.deepEqual([...image.subarray(0xfff0, 0xfff3)], [0xe9, 0x0d, 0xf0], 'jmp near to the code at 0xF000');
    assert.equal(image[0xf000], 0xfa, 'the code starts with cli');
  });
});
