import path from 'node:path';
import type { PlanStartParams, PlannedCall, ProviderPlan } from '../../src/index.js';
import type { QemuConfig } from './config.js';
import type { HostReadiness } from './host-readiness.js';
import type { QemuLayout } from './layout.js';
import { machineSize } from './machine-size.js';

export interface PlanQemuStartParams {
  readonly start: PlanStartParams;
  /** The host check the start would use (tools, base disk, accelerator), done once per Environ. */
  readonly host: HostReadiness;
  readonly config: QemuConfig;
  readonly layout: QemuLayout;
}

/**
 * The qemu provider's plan of a start, from the host check alone (no VM, no file): the
 * image every machine's overlay grows on, the VM's size (`machineSize`, as the start
 * computes it), the accelerator, and the programs and files the real run would run and write.
 */
export function planQemuStart(params: PlanQemuStartParams): ProviderPlan {
  const { start, host, config, layout } = params;
  const size = machineSize(config, start.constraints, host.base.virtualSizeMiB);
  const calls: PlannedCall[] = [];
  const call = (step: PlannedCall['step'], action: string, purpose: string, writes: boolean): void => {
    calls.push({ step, action, purpose, writes });
  };
  const provisioned = `the machine's folder under ${layout.machines}`;
  if (start.bootstrap) call('claim', 'file:write', `create provider-state in ${layout.storage}`, true);
  if (!start.bootstrap) call('reserve-ids', 'file:write', 'reserve the machine ids in provider-state', true);
  call('start-instance', `host:${path.basename(host.tools.qemuImg)}`, `make the machine's overlay disk (${size.diskMiB} MiB) in ${provisioned}`, true);
  call('start-instance', `host:${path.basename(host.tools.seedMaker.path)}`, "make the machine's NoCloud seed (its user-data)", true);
  call('start-instance', `host:${path.basename(host.tools.qemu)}`, `boot machine ${start.machineId} under ${host.accel.accel}${start.zones[0] === undefined ? '' : ` in ${start.zones[0]}`}`, true);
  call('record-state', 'file:write', `record machine ${start.machineId} in provider-state`, true);
  call('wait-ssh', 'file:read', "read the machine's record and SSH forward until SSH answers", false);
  if (start.bootstrap) call('complete', 'file:write', 'mark the bootstrap complete', true);
  const boot = config.boot.kind === 'disk' ? 'boots from its own boot loader' : `direct kernel boot of ${config.boot.kernel}`;
  return {
    image: { id: host.base.path, description: `${host.base.format}, ${host.base.virtualSizeMiB} MiB; ${boot}`, source: 'configured (image, or kernel and root-disk); each machine gets its own overlay on it' },
    network: { description: 'user networking with restrict=on: SSH forwarded from a free port on 127.0.0.1, no other way in or out' },
    resources: [],
    calls,
    notes: [
      `each VM: ${size.cpus} vCPU, ${size.memoryMiB} MiB memory, a ${size.diskMiB} MiB disk (amd64); the SSH user is ${config.defaultUser}`,
      `accelerator: ${host.accel.detail}`,
    ],
  };
}
