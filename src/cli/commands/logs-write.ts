import { chmod, lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../errors/index.js';
import { outputFileOf, type Section, type SectionName } from './logs-sections.js';

/** Where `--output` will put one machine's logs, checked before anything is read or made. */
export interface OutputPlan {
  /** `--output` as given, resolved. */
  readonly root: string;
  /** `<root>/<env>-machine-<id>`. */
  readonly directory: string;
}

export interface WrittenLogs {
  readonly directory: string;
  readonly files: readonly { readonly section: SectionName; readonly file: string }[];
}

/**
 * Checks `--output DIR` before anything is collected or created: DIR and the machine's
 * folder in it are directories if they exist, and none of the files the sections would
 * be written to exists (envboot never overwrites a log a CI job may be keeping). Every
 * problem is `CONFIG_INVALID`, all of them in one message.
 */
export async function planOutput(params: { dir: string; environment: string; machineId: string; sections: readonly SectionName[] }): Promise<OutputPlan> {
  const root = path.resolve(params.dir);
  const directory = path.join(root, `${params.environment}-machine-${params.machineId}`);
  for (const dir of [root, directory]) await checkDirectory(dir);
  const existing: string[] = [];
  for (const name of params.sections) {
    const file = path.join(directory, outputFileOf(name));
    if ((await kindOf(file)) !== 'missing') existing.push(file);
  }
  if (existing.length > 0) {
    throw new ConfigError(
      `--output: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; envboot logs never overwrites logs: ` +
        'move them away, or give another --output directory',
    );
  }
  return { root, directory };
}

/** `--output DIR` names a directory, or nothing yet: checked first, before the environment is even opened. */
export async function checkDirectory(dir: string): Promise<void> {
  const kind = await kindOf(path.resolve(dir));
  if (kind !== 'missing' && kind !== 'directory') {
    throw new ConfigError(`--output: ${path.resolve(dir)} is not a directory; give a directory (it is created, mode 0700, when missing)`);
  }
}

/**
 * Writes each collected section, whole, to its file in the plan's folder: DIR and the
 * folder made 0700 when missing, files 0600 and created exclusively, so a file that
 * appeared since the plan was checked is refused rather than overwritten. Sections that
 * were not collected are not written.
 */
export async function writeOutput(plan: OutputPlan, sections: readonly Section[]): Promise<WrittenLogs> {
  const collected = sections.filter((s) => s.status === 'collected');
  if (collected.length === 0) return { directory: plan.directory, files: [] };
  for (const dir of [plan.root, plan.directory]) {
    if ((await kindOf(dir)) === 'directory') continue;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // A umask can only take bits away, but say exactly what was promised.
    await chmod(dir, 0o700);
  }
  const files: { section: SectionName; file: string }[] = [];
  for (const section of collected) {
    const file = path.join(plan.directory, outputFileOf(section.name));
    const text = section.lines.length === 0 ? '' : `${section.lines.join('\n')}\n`;
    try {
      await writeFile(file, text, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new ConfigError(`--output: ${file} appeared while the logs were read; envboot logs never overwrites logs: move it away and run again`, { cause: error });
    }
    files.push({ section: section.name, file });
  }
  return { directory: plan.directory, files };
}

async function kindOf(file: string): Promise<'missing' | 'directory' | 'other'> {
  try {
    return (await lstat(file)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    // A file on the way (`a-file/logs`): not a directory either.
    if (code === 'ENOTDIR') return 'other';
    throw error;
  }
}
