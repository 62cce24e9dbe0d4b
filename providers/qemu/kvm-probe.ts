import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CancelledError } from '../../src/index.js';
import { probeFirmware, probeMarks } from './probe-firmware.js';
import { tail } from './run-tool.js';

/** Whether QEMU can really run guests under KVM here, and what was found. */
export interface KvmVerdict {
  readonly usable: boolean;
  readonly detail: string;
}

export interface ProbeKvmParams {
  readonly qemu: string;
  readonly device?: string;
  /** How long QEMU may take to start running the probe firmware at all. */
  readonly startTimeoutMs?: number;
  /** How long the firmware may take from its first step to long mode (microseconds where KVM works). */
  readonly stepTimeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Probes KVM for real: /dev/kvm must be there and open for this user, and QEMU must take
 * a tiny firmware (`probeFirmware`) under KVM from real mode through protected mode to
 * long mode. Existing and opening is not enough: a nested or paravirtual KVM may run
 * real-mode firmware and then hang at the first mode switch, where a cloud image's kernel
 * would hang too. Where KVM works this takes about as long as QEMU takes to start; where
 * it hangs the probe VM is killed a second after its first step.
 */
export async function probeKvm(params: ProbeKvmParams): Promise<KvmVerdict> {
  const device = params.device ?? '/dev/kvm';
  try {
    await access(device, constants.R_OK | constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { usable: false, detail: `${device} does not exist (no KVM on this host, or not passed into this container)` };
    return { usable: false, detail: `this user cannot open ${device} (${String(code)}); add it to the kvm group (sudo usermod -aG kvm $USER) and log in again` };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'envboot-kvm-probe-'));
  try {
    const firmware = path.join(dir, 'probe.bin');
    await writeFile(firmware, probeFirmware());
    return await runProbe(params, device, firmware);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runProbe(params: ProbeKvmParams, device: string, firmware: string): Promise<KvmVerdict> {
  const args = [
    '-accel', 'kvm', '-machine', 'pc', '-cpu', 'host', '-m', '16', '-nodefaults', '-no-user-config', '-display', 'none',
    '-bios', firmware, '-chardev', 'stdio,id=probe', '-device', 'isa-debugcon,iobase=0x402,chardev=probe',
  ];
  return new Promise((resolve, reject) => {
    if (params.signal?.aborted === true) {
      reject(new CancelledError('probing KVM cancelled', { cause: params.signal.reason }));
      return;
    }
    const started = Date.now();
    const child = spawn(params.qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let marks = '';
    let stderr = '';
    let verdict: KvmVerdict | Error | undefined;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      const found = verdict ?? { usable: false, detail: `QEMU cannot use KVM (${tail(stderr, 3) || 'it exited without a message'})` };
      if (found instanceof Error) reject(found);
      else resolve(found);
    };
    // The probe VM is ours: it ends by its pid as soon as there is a verdict. A VM stuck in
    // the kernel may take a while to die; the verdict does not wait for that.
    const decide = (found: KvmVerdict | Error): void => {
      verdict ??= found;
      child.kill('SIGKILL');
      setTimeout(settle, 2_000).unref();
    };
    const hung = (): KvmVerdict => ({ usable: false, detail: `QEMU opened ${device}, but a guest under KVM ${stuckAt(marks)} (nested or paravirtual KVM that cannot run ordinary guests)` });
    let timer = setTimeout(() => { decide(hung()); }, params.startTimeoutMs ?? 10_000);
    const onAbort = (): void => { decide(new CancelledError('probing KVM cancelled', { cause: params.signal?.reason })); };
    params.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      const first = marks === '';
      marks += chunk.toString('latin1');
      if (marks.includes(probeMarks.longMode)) decide({ usable: true, detail: `${device} works (a guest reached long mode under KVM in ${Date.now() - started} ms)` });
      else if (first) {
        clearTimeout(timer);
        timer = setTimeout(() => { decide(hung()); }, params.stepTimeoutMs ?? 1_000);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-4096); });
    child.once('error', (error) => { decide({ usable: false, detail: `cannot run ${params.qemu}: ${error.message}` }); });
    child.once('close', settle);
  });
}

/** Where the probe firmware stopped, from the marks it wrote. */
export function stuckAt(marks: string): string {
  if (marks.includes(probeMarks.protectedMode)) return 'ran in protected mode but never reached long mode';
  if (marks.includes(probeMarks.realMode)) return 'ran in real mode but never reached protected mode';
  return 'never ran';
}
