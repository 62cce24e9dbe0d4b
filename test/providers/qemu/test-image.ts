import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findHostTools, type HostTools } from '../../../providers/qemu/host-tools.js';
import { requireTool } from '../../helpers/require-tool.js';
import { runCommand } from '../../helpers/run-script.js';

/** The Debian 12 cloud test image, for direct kernel boot, as test/images/build-cloud-image.sh makes it. */
export interface TestImage {
  readonly dir: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly rootDisk: string;
  readonly cmdline: string;
  readonly defaultUser: string;
  /** The qemu provider config that boots it. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Compiled to <build>/test/providers/qemu/: the script is in the source tree's test/images/. */
export const buildScript = fileURLToPath(new URL('../../../../test/images/build-cloud-image.sh', import.meta.url));

let building: Promise<{ dir?: string; why?: string }> | undefined;

/**
 * The test image, as the build script reports it: the finished one for its current recipe
 * (found at once), or one it builds now (once per process; a build takes about a minute,
 * and the script's own lock makes concurrent callers wait for one build). Where QEMU or the image cannot be had, the test is skipped with the
 * reason, except in CI (`CI=true`), where that fails it.
 */
export async function requireTestImage(t: TestContext): Promise<TestImage | undefined> {
  if (requireHostTools(t) === undefined) return undefined;
  // The script answers at once with the folder when the image for its recipe is built.
  const found = (await buildImage()).dir;
  if (found === undefined) {
    const why = `the qemu test image is missing and ${buildScript} could not build it: ${(await buildImage()).why ?? 'no reason given'}`;
    if (process.env['CI'] === 'true') throw new Error(`${why}; CI must not skip the qemu tests`);
    t.skip(why);
    return undefined;
  }
  return describeImage(found);
}

function buildImage(): Promise<{ dir?: string; why?: string }> {
  building ??= (async () => {
    if (!existsSync(buildScript)) return { why: 'the script does not exist' };
    if (process.getuid?.() !== 0) return { why: 'it must run as root (mmdebstrap --mode=root)' };
    const run = await runCommand(buildScript, []);
    const dir = run.stdout.trim().split('\n').at(-1);
    if (run.status === 0 && dir !== undefined && existsSync(path.join(dir, '.complete'))) return { dir };
    const tail = run.stderr.trim().split('\n').slice(-3).join(' / ');
    return { why: `exit status ${String(run.status)}: ${tail}` };
  })();
  return building;
}

/**
 * QEMU, qemu-img and a seed maker, as the provider finds them; where one is missing the
 * test is skipped naming its Debian package, except in CI (`CI=true`), where that fails it.
 */
export function requireHostTools(t: TestContext): HostTools | undefined {
  for (const tool of ['qemu-system-x86_64', 'qemu-img']) {
    if (requireTool(t, tool, 'qemu machines are QEMU VMs') === undefined) return undefined;
  }
  try {
    return findHostTools();
  } catch (error) {
    if (process.env['CI'] === 'true') throw error;
    t.skip((error as Error).message);
    return undefined;
  }
}

/** The image in `dir` as its manifest describes it, with the qemu provider config that boots it. */
export function describeImage(dir: string): TestImage {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'image.json'), 'utf8')) as {
    kernel?: string; initrd?: string; rootfs?: string; cmdline?: string; defaultUser?: string;
  };
  const kernel = path.join(dir, manifest.kernel ?? 'vmlinuz');
  const initrd = path.join(dir, manifest.initrd ?? 'initrd.img');
  const rootDisk = path.join(dir, manifest.rootfs ?? 'rootfs.qcow2');
  const cmdline = manifest.cmdline ?? readFileSync(path.join(dir, 'cmdline'), 'utf8').trim();
  const defaultUser = manifest.defaultUser ?? 'debian';
  return {
    dir, kernel, initrd, rootDisk, cmdline, defaultUser,
    config: { kernel, initrd, 'root-disk': rootDisk, 'kernel-cmdline': cmdline, 'default-user': defaultUser },
  };
}
