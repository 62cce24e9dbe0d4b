import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors/index.js';

/** Where each family of systems gets OpenSSH's client from. */
const packages: readonly { readonly ids: readonly string[]; readonly name: string; readonly install: string }[] = [
  { ids: ['debian', 'ubuntu'], name: 'Debian/Ubuntu', install: 'sudo apt-get install openssh-client' },
  { ids: ['fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'amzn'], name: 'Fedora/RHEL', install: 'sudo dnf install openssh-clients' },
  { ids: ['alpine'], name: 'Alpine', install: 'sudo apk add openssh-client' },
  { ids: ['arch'], name: 'Arch', install: 'sudo pacman -S openssh' },
  { ids: ['suse', 'opensuse'], name: 'SUSE', install: 'sudo zypper install openssh-clients' },
];

export interface MissingClientParams {
  /** The program that is missing: `ssh` or `scp`. */
  readonly tool: string;
  /** The envboot command that needed it, e.g. `envboot ssh`. */
  readonly command: string;
  readonly cause: unknown;
  /** The system's os-release text; read from /etc/os-release when absent. */
  readonly osRelease?: string | undefined;
  readonly platform?: NodeJS.Platform | undefined;
}

/**
 * The error for an OpenSSH client program that is not on PATH: bad setup on this client
 * (`CONFIG_INVALID`, exit 2, nothing was changed), naming the package that provides it on
 * this system first and on the others after, instead of a bare `spawn ssh ENOENT`.
 */
export function missingClientError(params: MissingClientParams): ConfigError {
  const platform = params.platform ?? process.platform;
  const own = platform === 'darwin' ? undefined : packageFor(params.osRelease ?? readOsRelease());
  const advice =
    platform === 'darwin'
      ? 'macOS has it built in as /usr/bin/' + params.tool + ': put /usr/bin back on PATH'
      : own === undefined
        ? `install OpenSSH's client (${packages.map((p) => `${p.name}: "${p.install}"`).join('; ')}; macOS: built in)`
        : `install it with "${own.install}" (the package ${own.install.split(' ').at(-1) ?? ''})`;
  return new ConfigError(
    `${params.command} runs OpenSSH's "${params.tool}", and there is no "${params.tool}" on PATH: ${advice}; ` +
      '"envboot exec ENV MACHINE -- COMMAND" works without it',
    { cause: params.cause },
  );
}

/** True when `error` is what spawning a program that does not exist fails with. */
export function isMissingProgram(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function packageFor(osRelease: string): (typeof packages)[number] | undefined {
  const field = (name: string): string[] => (new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1] ?? '').split(/\s+/).filter((w) => w !== '');
  const ids = [...field('ID'), ...field('ID_LIKE')];
  return packages.find((p) => ids.some((id) => p.ids.includes(id) || (id.startsWith('opensuse') && p.ids.includes('suse'))));
}

function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}
