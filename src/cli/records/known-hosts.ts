import path from 'node:path';
import { writeFileAtomically } from './write-atomically.js';

/** The machines whose host keys are pinned, as provider-state records them. */
export interface PinnedMachine {
  readonly id: string;
  readonly hostKeys: readonly string[];
}

/** The environment's own known_hosts file; OpenSSH is pointed at it, never at ~/.ssh/known_hosts. */
export function knownHostsFile(dir: string): string {
  return path.join(dir, 'known_hosts');
}

/**
 * The name a machine's host keys are filed under: OpenSSH's `HostKeyAlias`, so that the
 * pin holds whichever of the machine's addresses (and ports) a connection uses.
 */
export function hostKeyAlias(environment: string, machineId: string): string {
  return `envboot-${environment}-machine-${machineId}`;
}

/**
 * Rewrites the environment's known_hosts from provider-state's host keys (the keys each
 * machine was given in its user-data), so that a machine that was replaced or removed
 * loses its pin. Written atomically, 0600.
 */
export async function writeKnownHosts(params: { dir: string; environment: string; machines: readonly PinnedMachine[] }): Promise<string> {
  const lines = params.machines.flatMap((machine) => machine.hostKeys.map((key) => knownHostsLine(hostKeyAlias(params.environment, machine.id), key)));
  const file = knownHostsFile(params.dir);
  await writeFileAtomically(file, lines.map((line) => `${line}\n`).join(''));
  return file;
}

/** The name the jump host's keys are filed under in the environment's own known_hosts. */
export function jumpHostKeyAlias(environment: string): string {
  return `envboot-${environment}-jump-host`;
}

/** The environment's known_hosts for its jump host (separate, so machine pins are rewritten freely). */
export function jumpKnownHostsFile(dir: string): string {
  return path.join(dir, 'jump_known_hosts');
}

/** Pins the jump host's keys for OpenSSH under `jumpHostKeyAlias`. Written atomically, 0600. */
export async function writeJumpKnownHosts(params: { dir: string; environment: string; hostKeys: readonly string[] }): Promise<string> {
  const lines = params.hostKeys.map((key) => knownHostsLine(jumpHostKeyAlias(params.environment), key));
  const file = jumpKnownHostsFile(params.dir);
  await writeFileAtomically(file, lines.map((line) => `${line}\n`).join(''));
  return file;
}

/** One known_hosts line: the alias, then the key's type and data (its comment dropped). */
function knownHostsLine(alias: string, key: string): string {
  const [type, blob] = key.trim().split(/\s+/);
  return `${alias} ${type ?? ''} ${blob ?? ''}`;
}
