import { settingValue } from './pinned-options.js';
import type { MachineEndpoint, UnreachableMachine } from './machine-endpoints.js';

/** The `Host` alias of a machine in `envboot ssh-config`'s output and the inventory. */
export function machineHostAlias(environment: string, machineId: string): string {
  return `envboot-${environment}-${machineId}`;
}

/**
 * OpenSSH `Host` blocks for the machines: address, port, user and the pinned settings
 * (client key only, the environment's known_hosts under the machine's HostKeyAlias,
 * StrictHostKeyChecking, the pinned ProxyCommand through the jump host). Machines that
 * cannot be reached now are listed as comments. For `ssh -F`, or `Include` from
 * ~/.ssh/config (first there: OpenSSH keeps the first value it reads for each setting).
 */
export function sshConfigText(params: { environment: string; endpoints: readonly MachineEndpoint[]; unreachable: readonly UnreachableMachine[] }): string {
  const lines = [
    `# envboot environment "${params.environment}", written by "envboot ssh-config ${params.environment}"; run it again after machines change.`,
    '# Use with "ssh -F FILE HOST", or "Include FILE" at the top of ~/.ssh/config.',
  ];
  for (const endpoint of params.endpoints) {
    lines.push(
      '',
      `# machine ${endpoint.id}${endpoint.controller ? ' (controller)' : ''}: instance ${endpoint.instanceId}`,
      `Host ${machineHostAlias(params.environment, endpoint.id)}`,
      `  HostName ${endpoint.address.value}`,
      `  Port ${endpoint.address.port ?? 22}`,
      `  User ${endpoint.user}`,
      ...endpoint.settings.map((setting) => `  ${setting.key} ${settingValue(setting)}`),
    );
  }
  for (const machine of params.unreachable) lines.push('', `# machine ${machine.id}: left out, ${machine.reason}`);
  return `${lines.join('\n')}\n`;
}
