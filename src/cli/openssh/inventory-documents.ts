import yaml from 'js-yaml';
import { shellQuote } from '../../../cloudinit/index.js';
import type { JumpHost } from '../../provider/index.js';
import { settingArguments, settingValue, type SshSetting } from './pinned-options.js';
import type { MachineEndpoint, UnreachableMachine } from './machine-endpoints.js';
import { machineHostAlias } from './ssh-config-text.js';

export interface InventoryParams {
  readonly environment: { readonly name: string; readonly uuid: string; readonly provider: string };
  readonly endpoints: readonly MachineEndpoint[];
  readonly unreachable: readonly UnreachableMachine[];
  readonly jumpHost: JumpHost | undefined;
}

/** The JSON inventory's schema version: bumped only when a field changes meaning or goes away. */
export const inventorySchemaVersion = 1;

/**
 * The JSON inventory: every reachable machine with its ids, addresses, user, zone, and the
 * OpenSSH options that reach it pinned (`ssh OPTIONS -p PORT USER@HOST`); machines that
 * cannot be reached now under `unreachable`. Fields are only ever added.
 */
export function inventoryJson(params: InventoryParams): string {
  const setting = (settings: readonly SshSetting[], key: string): string | null => settings.find((s) => s.key === key)?.value ?? null;
  const document = {
    schemaVersion: inventorySchemaVersion,
    environment: params.environment,
    jumpHost: params.jumpHost === undefined ? null : { host: params.jumpHost.host, port: params.jumpHost.port, user: params.jumpHost.user },
    machines: params.endpoints.map((endpoint) => ({
      id: endpoint.id,
      instanceId: endpoint.instanceId,
      controller: endpoint.controller,
      status: endpoint.status ?? null,
      zone: endpoint.zone ?? null,
      host: endpoint.address.value,
      port: endpoint.address.port ?? 22,
      user: endpoint.user,
      addresses: endpoint.addresses.map((a) => ({ value: a.value, port: a.port ?? 22, scope: a.scope })),
      sshHost: machineHostAlias(params.environment.name, endpoint.id),
      ssh: {
        identityFile: setting(endpoint.settings, 'IdentityFile'),
        knownHostsFile: setting(endpoint.settings, 'UserKnownHostsFile'),
        hostKeyAlias: endpoint.hostKeyAlias,
        proxyCommand: setting(endpoint.settings, 'ProxyCommand'),
        options: settingArguments(endpoint.settings),
      },
    })),
    unreachable: params.unreachable,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Ansible's YAML inventory: groups `controller` (machine 0) and `machines` (all), each host
 * named as in `envboot ssh-config`, with ansible_host/port/user, the client key as
 * ansible_ssh_private_key_file, and the pinning options (known_hosts, HostKeyAlias,
 * StrictHostKeyChecking, the jump host's ProxyCommand) in ansible_ssh_common_args, quoted
 * for the shlex split Ansible applies to it. Ansible's own host_key_checking=False would
 * put its StrictHostKeyChecking=no first and win: leave it at its default.
 */
export function inventoryAnsible(params: InventoryParams): string {
  const hosts: Record<string, Record<string, string | number>> = {};
  for (const endpoint of params.endpoints) {
    // Ansible keeps its own master connections (ControlPersist) under ~/.ansible/cp, made with these options: ControlPath stays Ansible's.
    const common = endpoint.settings.filter((s) => s.key !== 'IdentityFile' && s.key !== 'ControlPath');
    hosts[machineHostAlias(params.environment.name, endpoint.id)] = {
      ansible_host: endpoint.address.value,
      ansible_port: endpoint.address.port ?? 22,
      ansible_user: endpoint.user,
      ansible_ssh_private_key_file: endpoint.settings.find((s) => s.key === 'IdentityFile')?.value ?? '',
      ansible_ssh_common_args: common.map((s) => `-o ${shellQuote(`${s.key}=${settingValue(s)}`)}`).join(' '),
      envboot_machine_id: endpoint.id,
      envboot_instance_id: endpoint.instanceId,
    };
  }
  const controllers = params.endpoints.filter((e) => e.controller).map((e) => machineHostAlias(params.environment.name, e.id));
  const document = {
    all: {
      vars: { envboot_environment: params.environment.name, envboot_environment_uuid: params.environment.uuid },
      children: {
        controller: { hosts: Object.fromEntries(controllers.map((host) => [host, {}])) },
        machines: { hosts },
      },
    },
  };
  const header = `# Ansible inventory of envboot environment "${params.environment.name}", written by "envboot inventory ${params.environment.name} --format ansible".\n`;
  const left = params.unreachable.map((m) => `# machine ${m.id}: left out, ${m.reason}\n`).join('');
  return header + left + yaml.dump(document, { lineWidth: -1, noRefs: true });
}
