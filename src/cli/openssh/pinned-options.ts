import { quoteIfNeeded } from '../../../cloudinit/script/shell-quote.js';
import { ConfigError } from '../../errors/index.js';
import type { JumpHost } from '../../provider/index.js';
import { clientKeyFile } from '../records/client-key.js';
import { hostKeyAlias, jumpHostKeyAlias, knownHostsFile, writeJumpKnownHosts } from '../records/known-hosts.js';

/** One OpenSSH setting (`ssh -o Key=value`, or a `Key value` line of ssh_config). */
export interface SshSetting {
  readonly key: string;
  readonly value: string;
}

export interface PinnedSettingsParams {
  /** The environment's directory: its client key and known_hosts. */
  readonly dir: string;
  readonly environment: string;
  readonly machineId: string;
  /** The route's jump host, when the environment has one. */
  readonly jumpHost?: JumpHost | undefined;
}

/**
 * The settings that make OpenSSH reach one machine as envboot does: the environment's
 * client key only, the machine's host keys from the environment's own known_hosts under
 * its `HostKeyAlias` (so the pin holds whichever address or port is used), nothing else
 * trusted or learned, and the jump host through a pinned ProxyCommand when there is one.
 * `ssh`, `scp`, `ssh-config` and `inventory` all take them from here. Writes the jump
 * host's known_hosts (the caller writes the machines', see `refreshLocalRecords`).
 */
export async function pinnedSettings(params: PinnedSettingsParams): Promise<readonly SshSetting[]> {
  const proxy = params.jumpHost === undefined ? [] : [{ key: 'ProxyCommand', value: await proxyCommand({ ...params, jumpHost: params.jumpHost }) }];
  return [
    { key: 'IdentityFile', value: clientKeyFile(params.dir) },
    { key: 'IdentitiesOnly', value: 'yes' },
    { key: 'UserKnownHostsFile', value: knownHostsFile(params.dir) },
    { key: 'GlobalKnownHostsFile', value: '/dev/null' },
    { key: 'StrictHostKeyChecking', value: 'yes' },
    { key: 'HostKeyAlias', value: hostKeyAlias(params.environment, params.machineId) },
    { key: 'CheckHostIP', value: 'no' },
    { key: 'UpdateHostKeys', value: 'no' },
    // Against the operator's own ~/.ssh/config (read unless -F): an SSHFP record in DNS must
    // not vouch for a key, and a master connection that a `ControlPath` there names (made by
    // a plain, unpinned `ssh user@address`) must not carry the session.
    { key: 'VerifyHostKeyDNS', value: 'no' },
    { key: 'ControlPath', value: 'none' },
    ...proxy,
  ];
}

/**
 * The settings as `ssh`/`scp` arguments. For `-o`, OpenSSH keeps the first value it is
 * given, so these go before anything a user adds.
 */
export function settingArguments(settings: readonly SshSetting[]): string[] {
  return settings.flatMap((setting) => ['-o', `${setting.key}=${settingValue(setting)}`]);
}

/** Settings whose value is a file name: OpenSSH expands `%` tokens in them and splits them at spaces. */
const fileSettings = new Set(['IdentityFile', 'UserKnownHostsFile']);

/**
 * A setting's value as OpenSSH reads it on a `-o` argument or an ssh_config line: file
 * names with `%` escaped and double-quoted when they hold spaces; ProxyCommand (which
 * takes the rest of the line) as it is.
 */
export function settingValue(setting: SshSetting): string {
  if (!fileSettings.has(setting.key)) return setting.value;
  const value = setting.value.replace(/%/g, '%%');
  if (/^[^\s"'\\]+$/.test(value)) return value;
  if (/["\\\n]/.test(value)) {
    throw new ConfigError(`OpenSSH cannot be given the file ${JSON.stringify(setting.value)} (${setting.key}): its name has a quote, backslash or newline; set ENVBOOT_HOME to a directory without them`);
  }
  return `"${value}"`;
}

/**
 * OpenSSH's ProxyCommand for the jump host, pinned the same way as the machines (its own
 * known_hosts, StrictHostKeyChecking); `-J` would not carry these options to the jump.
 */
async function proxyCommand(params: { dir: string; environment: string; jumpHost: JumpHost }): Promise<string> {
  const { jumpHost } = params;
  const knownHosts = await writeJumpKnownHosts({ dir: params.dir, environment: params.environment, hostKeys: jumpHost.hostKeys });
  const words = [
    'ssh', '-o', `IdentityFile=${settingValue({ key: 'IdentityFile', value: jumpHost.identityFile ?? clientKeyFile(params.dir) })}`, '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${settingValue({ key: 'UserKnownHostsFile', value: knownHosts })}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
    '-o', `HostKeyAlias=${jumpHostKeyAlias(params.environment)}`, '-o', 'CheckHostIP=no', '-o', 'UpdateHostKeys=no',
    '-o', 'VerifyHostKeyDNS=no', '-o', 'ControlPath=none',
    '-p', String(jumpHost.port), '-W', '%h:%p', '--', `${jumpHost.user}@${jumpHost.host}`,
  ];
  // OpenSSH expands %-tokens in ProxyCommand (and the inner ssh in the file names again): only `%h:%p` is meant as one.
  return words.map((word) => (word === '%h:%p' ? word : quoteIfNeeded(word.replace(/%/g, '%%')))).join(' ');
}
