import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { inventoryAnsible, inventoryJson } from '../../../../src/cli/openssh/inventory-documents.js';
import type { MachineEndpoint } from '../../../../src/cli/openssh/machine-endpoints.js';
import { pinnedSettings, settingArguments } from '../../../../src/cli/openssh/pinned-options.js';
import { sshConfigText } from '../../../../src/cli/openssh/ssh-config-text.js';
import { requireTool } from '../../../helpers/require-tool.js';

const jumpHost = { host: '198.51.100.7', port: 2222, user: 'jump', hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl jump'] };

/** An environment directory whose name has a space and a "%", as ENVBOOT_HOME may. */
async function endpointsIn(dir: string): Promise<MachineEndpoint[]> {
  const endpoint = async (id: string, value: string, controller: boolean): Promise<MachineEndpoint> => ({
    id,
    instanceId: `i-${id}`,
    controller,
    zone: controller ? 'us-east-1a' : undefined,
    status: 'running',
    address: { value, scope: 'cloud-local', port: 22 },
    addresses: [{ value, scope: 'cloud-local', port: 22 }],
    user: 'ubuntu',
    hostKeyAlias: `envboot-demo-machine-${id}`,
    settings: await pinnedSettings({ dir, environment: 'demo', machineId: id, jumpHost }),
  });
  return [await endpoint('0', '10.0.0.5', true), await endpoint('3', '10.0.1.9', false)];
}

describe("ssh-config's Host blocks and the inventories", () => {
  it('writes Host blocks that OpenSSH reads back as pinned, with file names quoted as ssh_config requires', async (t) => {
    const ssh = requireTool(t, 'ssh', 'ssh -G reads the config back');
    if (ssh === undefined) return;
    const dir = await mkdtemp(path.join(tmpdir(), 'envboot env %dir '));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const endpoints = await endpointsIn(dir);
    const text = sshConfigText({ environment: 'demo', endpoints, unreachable: [{ id: '2', reason: 'instance i-2 is terminated' }] });
    assert.match(text, /^Host envboot-demo-0\n {2}HostName 10\.0\.0\.5\n {2}Port 22\n {2}User ubuntu\n/m);
    assert.match(text, /^# machine 2: left out, instance i-2 is terminated$/m);
    const file = path.join(dir, 'config');
    await writeFile(file, text);
    const seen = execFileSync(ssh, ['-G', '-F', file, 'envboot-demo-3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const settings = new Map(seen.split('\n').map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]));
    assert.equal(settings.get('hostname'), '10.0.1.9');
    assert.equal(settings.get('user'), 'ubuntu');
    assert.equal(settings.get('hostkeyalias'), 'envboot-demo-machine-3');
    assert.equal(settings.get('stricthostkeychecking'), 'true');
    assert.equal(settings.get('identitiesonly'), 'yes');
    assert.equal(settings.get('userknownhostsfile'), path.join(dir, 'known_hosts'));
    // ssh -G prints IdentityFile before its %-tokens are expanded (when the key is loaded): "%%" is a "%".
    assert.equal(settings.get('identityfile'), path.join(dir, 'client-key').replace(/%/g, '%%'));
    // As written: "%" doubled for the ProxyCommand and again for the inner ssh's file names, which are quoted.
    assert.match(settings.get('proxycommand') ?? '', /^ssh -o 'IdentityFile="\/tmp\/envboot env %%%%dir [^"]*\/client-key"' .*HostKeyAlias=envboot-demo-jump-host .* -p 2222 -W %h:%p -- jump@198\.51\.100\.7$/);
  });

  it('gives the same options on the command line that ssh reads the same way', async (t) => {
    const ssh = requireTool(t, 'ssh', 'ssh -G reads the options back');
    if (ssh === undefined) return;
    const dir = await mkdtemp(path.join(tmpdir(), 'envboot env %dir '));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const [endpoint] = await endpointsIn(dir);
    const seen = execFileSync(ssh, ['-G', ...settingArguments(endpoint?.settings ?? []), 'ubuntu@10.0.0.5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(seen, new RegExp(`^userknownhostsfile ${path.join(dir, 'known_hosts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.match(seen, /^hostkeyalias envboot-demo-machine-0$/m);
  });

  it('prints a JSON inventory with a stable schema and an Ansible YAML inventory with both groups', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'envboot-inventory-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const params = { environment: { name: 'demo', uuid: 'u-1', provider: 'ec2' }, endpoints: await endpointsIn(dir), unreachable: [], jumpHost };
    const json = JSON.parse(inventoryJson(params)) as { schemaVersion: number; jumpHost: unknown; machines: Record<string, unknown>[] };
    assert.equal(json.schemaVersion, 1);
    assert.deepEqual(json.jumpHost, { host: '198.51.100.7', port: 2222, user: 'jump' });
    assert.deepEqual(Object.keys(json.machines[0] ?? {}), ['id', 'instanceId', 'controller', 'status', 'zone', 'host', 'port', 'user', 'addresses', 'sshHost', 'ssh']);
    assert.deepEqual(json.machines.map((m) => [m['id'], m['controller'], m['zone'], m['host'], m['sshHost']]), [['0', true, 'us-east-1a', '10.0.0.5', 'envboot-demo-0'], ['3', false, null, '10.0.1.9', 'envboot-demo-3']]);
    const ssh = json.machines[1]?.['ssh'] as { hostKeyAlias: string; knownHostsFile: string; options: string[]; proxyCommand: string };
    assert.equal(ssh.hostKeyAlias, 'envboot-demo-machine-3');
    assert.equal(ssh.knownHostsFile, path.join(dir, 'known_hosts'));
    assert.ok(ssh.options.includes('StrictHostKeyChecking=yes') && ssh.options.includes(`ProxyCommand=${ssh.proxyCommand}`));

    const ansible = inventoryAnsible(params);
    const inventory = yaml.load(ansible) as { all: { vars: Record<string, string>; children: Record<string, { hosts: Record<string, Record<string, string | number>> }> } };
    assert.deepEqual(inventory.all.vars, { envboot_environment: 'demo', envboot_environment_uuid: 'u-1' });
    assert.deepEqual(Object.keys(inventory.all.children), ['controller', 'machines']);
    assert.deepEqual(Object.keys(inventory.all.children['controller']?.hosts ?? {}), ['envboot-demo-0']);
    const host = inventory.all.children['machines']?.hosts['envboot-demo-3'];
    assert.deepEqual([host?.['ansible_host'], host?.['ansible_port'], host?.['ansible_user'], host?.['ansible_ssh_private_key_file']], ['10.0.1.9', 22, 'ubuntu', path.join(dir, 'client-key')]);
    assert.match(String(host?.['ansible_ssh_common_args']), /-o 'HostKeyAlias=envboot-demo-machine-3'.*-o 'ProxyCommand=ssh -o IdentityFile=/);
  });
});
