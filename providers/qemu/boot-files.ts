import { access, constants, stat } from 'node:fs/promises';
import { ConfigError, type Problem } from '../../src/index.js';
import type { QemuBoot } from './config.js';
import { runTool, ToolFailedError } from './run-tool.js';

/** The disk every machine's overlay is backed by, as qemu-img sees it. */
export interface BaseDisk {
  readonly path: string;
  /** `qcow2` or `raw` (what `-F` tells qemu-img). */
  readonly format: string;
  readonly virtualSizeMiB: number;
}

const diskFormats = new Set(['qcow2', 'raw']);

/**
 * Checks the files the config names (the disk image, or kernel, initrd and root disk):
 * each must be a readable file, and the disk a qcow2 or raw image. Throws `CONFIG_INVALID`
 * with every problem at its config key; returns the disk an overlay will be backed by.
 */
export async function inspectBootFiles(params: { boot: QemuBoot; qemuImg: string; signal?: AbortSignal | undefined }): Promise<BaseDisk> {
  const { boot } = params;
  const problems: Problem[] = [];
  const diskKey = boot.kind === 'disk' ? 'image' : 'root-disk';
  const diskPath = boot.kind === 'disk' ? boot.image : boot.rootDisk;
  const files: [string, string][] = boot.kind === 'disk' ? [['image', boot.image]] : [['kernel', boot.kernel], ...(boot.initrd === undefined ? [] : [['initrd', boot.initrd] as [string, string]]), ['root-disk', boot.rootDisk]];
  for (const [key, file] of files) {
    const problem = await fileProblem(file);
    if (problem !== undefined) problems.push({ path: key, message: problem });
  }
  let disk: BaseDisk | undefined;
  if (!problems.some((p) => p.path === diskKey)) {
    try {
      disk = await describeDisk({ path: diskPath, qemuImg: params.qemuImg, signal: params.signal });
      if (!diskFormats.has(disk.format)) problems.push({ path: diskKey, message: `${diskPath} is a ${disk.format} image; give a qcow2 or raw disk image` });
    } catch (error) {
      if (!(error instanceof ToolFailedError)) throw error;
      problems.push({ path: diskKey, message: `qemu-img cannot read ${diskPath} as a disk image (${error.stderrTail || error.message})` });
    }
  }
  if (problems.length > 0 || disk === undefined) {
    throw new ConfigError('the qemu provider cannot boot the configured image', { problems });
  }
  return disk;
}

/** Format and virtual size of a disk image, from `qemu-img info` (shared lock: machines may be running on it). */
export async function describeDisk(params: { path: string; qemuImg: string; signal?: AbortSignal | undefined }): Promise<BaseDisk> {
  const { stdout } = await runTool({
    command: params.qemuImg,
    args: ['info', '--force-share', '--output=json', params.path],
    what: `inspecting ${params.path}`,
    timeoutMs: 30_000,
    signal: params.signal,
  });
  const info = JSON.parse(stdout) as { format?: unknown; 'virtual-size'?: unknown };
  const format = typeof info.format === 'string' ? info.format : 'unknown';
  const bytes = typeof info['virtual-size'] === 'number' ? info['virtual-size'] : 0;
  return { path: params.path, format, virtualSizeMiB: Math.floor(bytes / (1024 * 1024)) };
}

async function fileProblem(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return `${file} is not a file`;
    await access(file, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file} does not exist; download the cloud image (or build it) and give its path`;
    if (code === 'EACCES') return `${file} is not readable by this user; make it readable (chmod o+r, or add this user to its group)`;
    return `${file} cannot be read (${(error as Error).message})`;
  }
}
