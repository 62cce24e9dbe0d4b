import { throwIfCancelled, type HealthCheck, type PreflightResult } from '../../src/index.js';
import { resolveAccelerator, type AcceleratorChoice, type KvmVerdicts } from './accelerator.js';
import { inspectBootFiles, type BaseDisk } from './boot-files.js';
import type { QemuConfig } from './config.js';
import { findHostTools, type HostTools } from './host-tools.js';

/** What this host offers the environment's machines: found once, used by every start. */
export interface HostReadiness {
  readonly tools: HostTools;
  readonly base: BaseDisk;
  readonly accel: AcceleratorChoice;
}

export interface CheckHostParams {
  readonly config: QemuConfig;
  readonly verdicts?: KvmVerdicts | undefined;
  /** Where programs are found (a test seam); default PATH. */
  readonly findTool?: ((tool: string) => string | undefined) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Checks, creating nothing, that machines can run here: QEMU, qemu-img and a seed maker
 * (`CONFIG_INVALID` naming the Debian packages to install), the configured image files
 * (`CONFIG_INVALID` at their keys), and the accelerator (KVM probed for real, once per
 * process; `accel: kvm` where it does not work is `CONFIG_INVALID`).
 */
export async function checkHost(params: CheckHostParams): Promise<HostReadiness> {
  throwIfCancelled(params.signal, 'qemu provider preflight');
  const tools = findHostTools(params.findTool);
  const base = await inspectBootFiles({ boot: params.config.boot, qemuImg: tools.qemuImg, signal: params.signal });
  const accel = await resolveAccelerator({ setting: params.config.accel, qemu: tools.qemu, signal: params.signal, ...(params.verdicts === undefined ? {} : { verdicts: params.verdicts }) });
  return { tools, base, accel };
}

/** The health report of a ready host: every check passed, and what is worth a warning. */
export function healthReport(ready: HostReadiness, config: QemuConfig): PreflightResult {
  const { tools, base, accel } = ready;
  const boot = config.boot.kind === 'disk' ? 'boots from its own boot loader' : `direct kernel boot of ${config.boot.kernel}`;
  const checks: HealthCheck[] = [
    { name: 'tools', status: 'ok', detail: `${tools.qemu}, ${tools.qemuImg}; seeds made with ${tools.seedMaker.path}` },
    { name: 'image', status: 'ok', detail: `${base.path}: ${base.format}, ${base.virtualSizeMiB} MiB; ${boot}` },
    { name: 'accelerator', status: 'ok', detail: accel.detail },
    { name: 'network', status: 'ok', detail: 'user networking with restrict=on: SSH forwarded from 127.0.0.1, no other way in or out' },
  ];
  const warnings =
    accel.accel === 'tcg' && config.accel === 'auto'
      ? [`machines run under TCG (software emulation), not KVM: a first boot takes a minute or more. ${accel.detail.replace(/^TCG[^:]*: /, 'Why: ')}`]
      : [];
  return { warnings, checks };
}
