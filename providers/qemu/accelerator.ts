import { ConfigError } from '../../src/index.js';
import type { AccelSetting } from './config.js';
import { probeKvm, type KvmVerdict } from './kvm-probe.js';
import { untilAborted } from './until-aborted.js';

/** The accelerator machines run under, and why, for the health check. */
export interface AcceleratorChoice {
  readonly accel: 'kvm' | 'tcg';
  readonly detail: string;
}

/**
 * What `accel` means given what the KVM probe found: `auto` takes KVM where it works and
 * falls back to TCG otherwise, saying why; `kvm` where KVM does not work is
 * `CONFIG_INVALID` (asked for, and impossible); `tcg` never needs the probe.
 *
 * @example
 * chooseAccelerator('auto', { usable: false, detail: '/dev/kvm does not exist' });
 * // { accel: 'tcg', detail: 'TCG (software emulation, several times slower): /dev/kvm does not exist' }
 */
export function chooseAccelerator(setting: AccelSetting, kvm: KvmVerdict | undefined): AcceleratorChoice {
  if (setting === 'tcg') return { accel: 'tcg', detail: 'TCG (software emulation), as configured (accel: tcg)' };
  if (kvm?.usable === true) return { accel: 'kvm', detail: `KVM: ${kvm.detail}` };
  const why = kvm?.detail ?? 'KVM was not probed';
  if (setting === 'kvm') {
    throw new ConfigError(`accel is kvm, but KVM cannot be used here: ${why}; fix KVM, or set accel to auto or tcg (software emulation)`, {
      problems: [{ path: 'accel', message: `KVM cannot be used here: ${why}` }],
    });
  }
  return { accel: 'tcg', detail: `TCG (software emulation, several times slower): ${why}` };
}

/**
 * The KVM verdict for one QEMU binary, probed once per process: every Environ of the
 * process shares the answer (the host does not change under it). A probe that failed
 * (cancelled) is forgotten so the next call probes again.
 */
export class KvmVerdicts {
  readonly #verdicts = new Map<string, Promise<KvmVerdict>>();
  readonly #probe: typeof probeKvm;

  constructor(probe: typeof probeKvm = probeKvm) {
    this.#probe = probe;
  }

  verdict(params: { qemu: string; signal?: AbortSignal | undefined }): Promise<KvmVerdict> {
    let verdict = this.#verdicts.get(params.qemu);
    if (verdict === undefined) {
      // Not tied to the first caller's signal: later callers share it and may not be cancelled.
      verdict = this.#probe({ qemu: params.qemu });
      this.#verdicts.set(params.qemu, verdict);
      verdict.catch(() => this.#verdicts.delete(params.qemu));
    }
    return untilAborted(verdict, params.signal, 'probing KVM');
  }
}

/** The process's shared verdicts. */
export const kvmVerdicts = new KvmVerdicts();

/** Resolves the accelerator for `setting`, probing KVM (once per process) only when it matters. */
export async function resolveAccelerator(params: { setting: AccelSetting; qemu: string; signal?: AbortSignal | undefined; verdicts?: KvmVerdicts }): Promise<AcceleratorChoice> {
  if (params.setting === 'tcg') return chooseAccelerator('tcg', undefined);
  const verdict = await (params.verdicts ?? kvmVerdicts).verdict({ qemu: params.qemu, signal: params.signal });
  return chooseAccelerator(params.setting, verdict);
}
