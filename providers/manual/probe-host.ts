import { ConfigError, RemoteCommandError, ZoneIndependentError, execUnlessRefused, type Hardware, type SshConnection } from '../../src/index.js';

/** What envboot learns of a host before enrolling it. */
export interface HostFacts {
  readonly hardware: Hardware;
  /** `ubuntu 24.04`, from /etc/os-release. */
  readonly os?: string;
  /** The environment UUID in the host's marker file, when another (or this) environment owns it. */
  readonly owner?: string;
}

/** Where envboot keeps its files on a manual host; the marker says which environment owns it. */
export const stateDir = '/var/lib/envboot';
export const markerFile = `${stateDir}/environment`;

/** Refuses a host another environment's marker names: enrolling it would take it from that environment. */
export function refuseOtherOwner(params: { readonly host: string; readonly facts: HostFacts; readonly uuid: string }): void {
  const { owner } = params.facts;
  if (owner === undefined || owner === params.uuid) return;
  throw new ZoneIndependentError(new ConfigError(`${params.host} already belongs to environment ${owner} (${markerFile}); destroy that environment first, or remove the file if it is gone`));
}

const detect = [
  'echo "arch=$(uname -m)"',
  'echo "cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
  'echo "mem-kib=$(awk \'/^MemTotal:/ {print $2}\' /proc/meminfo)"',
  'echo "root-kib=$(df -Pk / | awk \'NR==2 {print $2}\')"',
  'if [ -r /etc/os-release ]; then . /etc/os-release; echo "os=$ID $VERSION_ID"; fi',
  `if [ -r ${markerFile} ]; then echo "owner=$(cat ${markerFile})"; fi`,
].join('; ');

const arches: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64', arm64: 'arm64', ppc64le: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };

/**
 * Detects architecture, cores, memory, root disk, distribution and owner, in one command.
 * A login the host refuses (cloud images refuse root and name their default user) is a
 * configuration error naming the user to enrol as.
 */
export async function probeHost(connection: SshConnection, signal?: AbortSignal): Promise<HostFacts> {
  const ran = await execUnlessRefused(connection, { command: detect, ...(signal === undefined ? {} : { signal }) });
  if ('refused' in ran) {
    const instead = ran.refused.suggestedUser ?? "the image's default user";
    throw new ZoneIndependentError(
      new ConfigError(`${connection.address} refuses logins as ${connection.user} ("${ran.refused.text.split('\n')[0] ?? ''}"): enrol it as ${instead} instead (--host ${instead}@HOST)`),
    );
  }
  const { result } = ran;
  if (result.exitCode !== 0) {
    throw new RemoteCommandError(`probing ${connection.address} as ${connection.user} failed with status ${String(result.exitCode ?? result.exitSignal)}: ${result.stderr.toString('utf8').trim().slice(0, 200)}`);
  }
  const facts = new Map(
    result.stdout
      .toString('utf8')
      .split('\n')
      .map((line) => /^([a-z-]+)=(.*)$/.exec(line.trim()))
      .flatMap((match) => (match === null ? [] : [[match[1] ?? '', (match[2] ?? '').trim()] as const])),
  );
  const number = (key: string): number | undefined => {
    const value = Number(facts.get(key));
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const arch = arches[facts.get('arch') ?? ''];
  const cores = number('cores');
  const memKiB = number('mem-kib');
  const rootKiB = number('root-kib');
  const owner = facts.get('owner');
  const os = facts.get('os');
  return {
    hardware: {
      ...(arch === undefined ? {} : { arch }),
      ...(cores === undefined ? {} : { cores }),
      ...(memKiB === undefined ? {} : { memoryMiB: Math.floor(memKiB / 1024) }),
      ...(rootKiB === undefined ? {} : { rootDiskMiB: Math.floor(rootKiB / 1024) }),
    },
    ...(os === undefined || os === '' ? {} : { os }),
    ...(owner === undefined || owner === '' ? {} : { owner }),
  };
}
