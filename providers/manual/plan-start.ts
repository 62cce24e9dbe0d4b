import { readableSize, type Hardware, type PlanStartParams, type PlannedCall, type ProviderPlan } from '../../src/index.js';
import type { HostAddress } from './host-access.js';
import { markerFile, type HostFacts } from './probe-host.js';

export interface PlanManualStartParams {
  readonly start: PlanStartParams;
  readonly address: HostAddress;
  /** What the host reported to the probe the enrolment starts with (one read-only command). */
  readonly facts: HostFacts;
  /** Where the host's key was pinned from. */
  readonly pinnedFrom: string;
  readonly uuid: string;
  /** Where the enrolments and provider-state are kept on this client. */
  readonly storageDir: string;
}

/**
 * The manual provider's plan of an enrolment, from the host's probe: the host (enrolled
 * anew, or already this environment's), its system and hardware, how it is logged in to,
 * and what the real run would change on it and on this client.
 */
export function planManualStart(params: PlanManualStartParams): ProviderPlan {
  const { start, address, facts } = params;
  const where = `${address.user}@${address.host}:${address.port}`;
  const calls: PlannedCall[] = [];
  const call = (step: PlannedCall['step'], action: string, purpose: string, writes: boolean): void => {
    calls.push({ step, action, purpose, writes });
  };
  if (start.bootstrap) call('claim', 'file:write', `create provider-state in ${params.storageDir}`, true);
  if (!start.bootstrap) call('reserve-ids', 'file:write', 'reserve the machine ids in provider-state', true);
  call('start-instance', 'ssh:exec', `probe ${where}: hardware, system, owner (reads only)`, false);
  call('start-instance', 'file:write', `list ${where} in the enrolled hosts, before it is touched`, true);
  const sudo = address.user === 'root' ? '' : ' through sudo -n';
  call('start-instance', 'ssh:exec', `enrol it${sudo}: the environment's key in ${address.user}'s authorized_keys, ${markerFile}, the nonce`, true);
  call('record-state', 'file:write', `record machine ${start.machineId} in provider-state`, true);
  call('wait-ssh', 'ssh:exec', 'log in with the pinned host key and read the nonce back', false);
  if (start.bootstrap) call('complete', 'file:write', 'mark the bootstrap complete', true);
  const own = facts.owner === params.uuid;
  return {
    image: { id: facts.os ?? 'unknown system', source: "the host's own system (/etc/os-release); nothing is installed over it" },
    network: { description: `${where} over SSH, its host key pinned from ${params.pinnedFrom}` },
    resources: [{ kind: 'host', name: where, action: own ? 'reuse' : 'create', detail: own ? `already marked as this environment's (${markerFile})` : 'enrolled: it keeps running, and is released (not shut down) by destroy' }],
    calls,
    notes: [`the host reports ${hardwareWords(facts.hardware)}`],
  };
}

function hardwareWords(hardware: Hardware): string {
  const words = [
    hardware.arch,
    hardware.cores === undefined ? undefined : `${hardware.cores} cores`,
    hardware.memoryMiB === undefined ? undefined : `${readableSize(hardware.memoryMiB)} memory`,
    hardware.rootDiskMiB === undefined ? undefined : `a ${readableSize(hardware.rootDiskMiB)} root disk`,
  ].filter((word) => word !== undefined);
  return words.length === 0 ? 'no hardware figures' : words.join(', ');
}
