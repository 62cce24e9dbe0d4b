/** The parts of a machine's logs `envboot logs` collects, in the order it shows them. */
export const sectionNames = ['console', 'configure', 'cloudInitOutput', 'cloudInitResult', 'cloudInitStatus'] as const;

export type SectionName = (typeof sectionNames)[number];

/** A section read from a file on the machine. */
export type MachineFileSection = Exclude<SectionName, 'console'>;

/** Where each machine file is, and the file `--output` writes it to. */
export const machineFiles: Readonly<Record<MachineFileSection, { readonly path: string; readonly file: string }>> = {
  configure: { path: '/var/log/envboot/configure.log', file: 'configure.log' },
  cloudInitOutput: { path: '/var/log/cloud-init-output.log', file: 'cloud-init-output.log' },
  cloudInitResult: { path: '/run/cloud-init/result.json', file: 'cloud-init-result.json' },
  cloudInitStatus: { path: '/run/cloud-init/status.json', file: 'cloud-init-status.json' },
};

export const consoleFile = 'console.log';

/** The file a section is written to under `--output`. */
export function outputFileOf(name: SectionName): string {
  return name === 'console' ? consoleFile : machineFiles[name].file;
}

/** What one section turned out to be: its lines, or why there are none. */
export type Section =
  | {
      readonly name: SectionName;
      /** The file on the machine, or the console of which instance (and where the whole of it is). */
      readonly source: string;
      readonly status: 'collected';
      /** Printable and redacted; the last `--lines` of them, or all of them for `--output`. */
      readonly lines: readonly string[];
      readonly totalLines: number;
      /** Read through `sudo -n`, the login user could not. */
      readonly viaSudo?: boolean;
      /** Where the whole of it can be read, when the provider says (the console). */
      readonly location?: string;
    }
  | {
      readonly name: SectionName;
      readonly source: string;
      /** `absent`: it does not exist there; `unavailable`: it could not be read. */
      readonly status: 'absent' | 'unavailable';
      readonly reason: string;
    };

/** Why a machine file that does not exist is missing, in words an operator can act on. */
export function absentReason(name: MachineFileSection, found: { cloudInit: boolean; provider: string }): string {
  if (name === 'configure') return 'not present: envboot has not configured this machine yet (configuring it writes this log)';
  if (!found.cloudInit) {
    const local = found.provider === 'local' ? '; local machines boot without cloud-init' : '';
    return `not present: cloud-init has not run on this machine (it has no /var/lib/cloud or /run/cloud-init)${local}`;
  }
  if (name === 'cloudInitOutput') return 'not present: cloud-init has written no output log (yet), or its output goes elsewhere (output: in /etc/cloud/cloud.cfg)';
  if (name === 'cloudInitResult') return 'not present: cloud-init has not finished (it writes result.json when it is done)';
  return 'not present: cloud-init has not started its stages yet';
}
