import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { describeMachines } from '../openssh/describe-machines.js';
import { checkMachineIds } from '../openssh/machine-ids.js';
import { machineHostAlias, sshConfigText } from '../openssh/ssh-config-text.js';

export interface SshConfigInput {
  readonly environment: string;
  /** The machines to print; all of them when empty. */
  readonly machineIds: readonly string[];
}

/**
 * `envboot ssh-config ENV [MACHINE…]`: prints OpenSSH `Host envboot-ENV-ID` blocks that
 * reach the machines as envboot does (its client key, its pinned known_hosts, the pinned
 * jump host), so that `ssh -F`, rsync, VS Code Remote and Ansible use the same pins. The
 * known_hosts files the blocks name are rewritten from provider-state first.
 */
export async function runSshConfig(context: CommandContext, input: SshConfigInput): Promise<CommandResult> {
  checkMachineIds(input.machineIds);
  const described = await describeMachines(context, { environment: input.environment, ids: input.machineIds });
  const name = described.environment.name;
  const text = sshConfigText({ environment: name, endpoints: described.endpoints, unreachable: described.unreachable });
  const hosts = described.endpoints.map((endpoint) => ({ id: endpoint.id, host: machineHostAlias(name, endpoint.id) }));
  return { outcome: { json: { environment: name, hosts, unreachable: described.unreachable, config: text }, text, verbatim: true } };
}
