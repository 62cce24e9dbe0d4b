import { chmod, mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostTools } from './host-tools.js';
import type { MachineFiles } from './layout.js';
import { runTool } from './run-tool.js';

export interface SeedParams {
  readonly files: Pick<MachineFiles, 'seed' | 'seedStaging'>;
  readonly maker: HostTools['seedMaker'];
  /** envboot's user-data, written byte for byte (gzip included: cloud-init decompresses it). */
  readonly userData: Uint8Array;
  readonly instanceId: string;
  readonly hostname: string;
  readonly signal?: AbortSignal | undefined;
}

/**
 * NoCloud meta-data: the instance id (unique per machine, so cloud-init treats every
 * machine as a first boot) and the host name. JSON is YAML, and quotes whatever it holds.
 */
export function metaData(params: { instanceId: string; hostname: string }): string {
  return `instance-id: ${JSON.stringify(params.instanceId)}\nlocal-hostname: ${JSON.stringify(params.hostname)}\n`;
}

/** A host name for the machine: `<environment>-<machine id>`, as one DNS label. */
export function hostnameFor(environmentName: string, machineId: string): string {
  const label = `${environmentName}-${machineId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 63).replace(/-+$/, '');
  return label === '' ? 'envboot-machine' : label;
}

/** The seed maker's command line: an ISO 9660 volume labelled `cidata` (Rock Ridge and Joliet keep the names). */
export function seedCommand(maker: HostTools['seedMaker'], output: string, inputs: readonly string[]): { command: string; args: string[] } {
  const iso = ['-output', output, '-volid', 'cidata', '-joliet', '-rock', '-quiet', ...inputs];
  return maker.kind === 'xorriso' ? { command: maker.path, args: ['-as', 'mkisofs', ...iso] } : { command: maker.path, args: iso };
}

/**
 * Makes the machine's seed ISO, 0600 (the user-data holds its host private key). The two
 * files are staged in a 0700 directory inside the machine's own 0700 directory and removed
 * once the ISO exists, so the secret only ever lives in private places.
 */
export async function makeSeed(params: SeedParams): Promise<void> {
  const { files } = params;
  await mkdir(files.seedStaging, { mode: 0o700 });
  try {
    const userData = path.join(files.seedStaging, 'user-data');
    const meta = path.join(files.seedStaging, 'meta-data');
    await writeFile(userData, params.userData, { mode: 0o600 });
    await writeFile(meta, metaData(params), { mode: 0o600 });
    // Created 0600 before the tool writes it: the tool truncates and keeps the mode.
    await (await open(files.seed, 'w', 0o600)).close();
    const { command, args } = seedCommand(params.maker, files.seed, [userData, meta]);
    await runTool({ command, args, what: 'making the NoCloud seed', timeoutMs: 60_000, signal: params.signal });
    await chmod(files.seed, 0o600);
  } finally {
    await rm(files.seedStaging, { recursive: true, force: true });
  }
}
