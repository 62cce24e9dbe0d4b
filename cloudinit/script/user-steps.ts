import type { CloudConfig, HostKeyType, UserConfig } from '../model.js';
import { quote, quoteArgv, rooted } from './shell-quote.js';
import type { Step } from './step.js';
import { writeBytesLines } from './write-bytes.js';

/**
 * Users (cloud-init's users_groups module), then SSH (host keys, and the default
 * user's authorized keys). Users act on the machine's own account database; only file
 * paths honour the test root prefix.
 */
export function userSteps(config: CloudConfig, defaultUser: string): Step[] {
  const steps: Step[] = (config.users ?? []).map((entry, index) => {
    const user = typeof entry === 'string' ? { name: entry === 'default' ? defaultUser : entry } : entry;
    return { name: `users[${index}] ${user.name}`, lines: userLines(user) };
  });
  if (config.ssh_keys !== undefined) steps.push({ name: 'ssh_keys', lines: hostKeyLines(config) });
  if (config.ssh_authorized_keys !== undefined && config.ssh_authorized_keys.length > 0) {
    steps.push({ name: `ssh_authorized_keys ${defaultUser}`, lines: authorizedKeyLines(defaultUser, config.ssh_authorized_keys) });
  }
  return steps;
}

function userLines(user: UserConfig): string[] {
  const name = quote(user.name);
  const add = ['useradd', '--create-home'];
  if (user.shell !== undefined) add.push('--shell', user.shell);
  if (user.gecos !== undefined) add.push('--comment', user.gecos);
  if (user.homedir !== undefined) add.push('--home-dir', user.homedir);
  if (user.primary_group !== undefined) add.push('--gid', user.primary_group);
  if (user.system === true) add.push('--system');
  const lines = [`if ! id -u ${name} >/dev/null 2>&1; then ${quoteArgv([...add, user.name])}; fi`];
  const groups = typeof user.groups === 'string' ? user.groups.split(',').map((g) => g.trim()) : (user.groups ?? []);
  for (const group of groups) lines.push(`getent group ${quote(group)} >/dev/null || groupadd ${quote(group)}`);
  if (groups.length > 0) lines.push(`usermod -a -G ${quote(groups.join(','))} ${name}`);
  const rules = user.sudo === undefined || user.sudo === false ? [] : typeof user.sudo === 'string' ? [user.sudo] : user.sudo;
  if (rules.length > 0) {
    const file = quote(`/etc/sudoers.d/90-envboot-${user.name}`);
    const body = rules.map((rule) => `${user.name} ${rule}\n`).join('');
    lines.push(
      `printf '%s' ${quote(body)} > ${file}`,
      `chmod 0440 ${file}`,
      `if command -v visudo >/dev/null 2>&1 && ! visudo -cqf ${file}; then rm -f -- ${file}; echo "envboot: invalid sudo rule for ${user.name}" >&2; exit 1; fi`,
    );
  }
  if (user.lock_passwd !== false) lines.push(`passwd -l ${name} >/dev/null`);
  if (user.ssh_authorized_keys !== undefined) lines.push(...authorizedKeyLines(user.name, user.ssh_authorized_keys));
  return lines;
}

/** Appends keys the user's authorized_keys lacks, creating ~/.ssh with the right modes. */
function authorizedKeyLines(user: string, keys: readonly string[]): string[] {
  const name = quote(user);
  const lines = [
    `envboot_home=$(getent passwd ${name} | cut -d: -f6)`,
    `[ -n "$envboot_home" ] || { printf 'envboot: user "%s" does not exist\\n' ${name} >&2; exit 1; }`,
    'mkdir -p -- "$envboot_home/.ssh"',
    'touch -- "$envboot_home/.ssh/authorized_keys"',
  ];
  for (const key of keys) {
    const line = quote(key.trim());
    lines.push(`grep -qxF -- ${line} "$envboot_home/.ssh/authorized_keys" || printf '%s\\n' ${line} >> "$envboot_home/.ssh/authorized_keys"`);
  }
  lines.push(
    'chmod 0700 "$envboot_home/.ssh"',
    'chmod 0600 "$envboot_home/.ssh/authorized_keys"',
    `chown -R ${name}: "$envboot_home/.ssh"`,
  );
  return lines;
}

function hostKeyLines(config: CloudConfig): string[] {
  const lines = ['mkdir -p -- "$ENVBOOT_ROOT"/etc/ssh'];
  for (const type of ['rsa', 'ecdsa', 'ed25519'] as HostKeyType[]) {
    const privateKey = config.ssh_keys?.[`${type}_private`];
    const publicKey = config.ssh_keys?.[`${type}_public`];
    if (privateKey === undefined || publicKey === undefined) continue;
    for (const [file, content, mode] of [
      [`/etc/ssh/ssh_host_${type}_key`, privateKey, '0600'],
      [`/etc/ssh/ssh_host_${type}_key.pub`, publicKey, '0644'],
    ] as const) {
      const text = content.endsWith('\n') ? content : `${content}\n`;
      lines.push(...writeBytesLines(rooted(file), text), `chmod ${mode} ${rooted(file)}`);
    }
  }
  // The running sshd keeps its old keys until reloaded; connections already open are
  // unaffected. Debian and Ubuntu call the unit ssh, the RHEL family and Arch sshd.
  lines.push(
    'if [ -z "$ENVBOOT_ROOT" ] && command -v systemctl >/dev/null 2>&1; then for envboot_unit in ssh sshd; do if systemctl is-active --quiet "$envboot_unit" 2>/dev/null; then systemctl reload "$envboot_unit"; break; fi; done; fi',
  );
  return lines;
}
