import { findTool } from '../../src/host/index.js';
import { ConfigError } from '../../src/index.js';

/** How the NoCloud seed ISO is made: the first of these found on PATH. */
export type SeedMaker = 'genisoimage' | 'xorriso' | 'mkisofs';

/** The host programs the provider runs, by absolute path. */
export interface HostTools {
  readonly qemu: string;
  readonly qemuImg: string;
  readonly seedMaker: { readonly kind: SeedMaker; readonly path: string };
}

// cloud-localds (cloud-image-utils) is not among them: it is a wrapper that runs genisoimage
// for an ISO seed, so it works exactly where genisoimage is found, which is used directly.
// mkisofs is genisoimage's old name on Debian, and cdrtools' program elsewhere.
const seedMakers: readonly SeedMaker[] = ['genisoimage', 'xorriso', 'mkisofs'];

/**
 * Finds QEMU, qemu-img and a seed maker, or throws `CONFIG_INVALID` naming every missing
 * program with the package to install.
 *
 * @example
 * const tools = findHostTools(); // { qemu: '/usr/bin/qemu-system-x86_64', qemuImg: '/usr/bin/qemu-img', seedMaker: { kind: 'genisoimage', … } }
 */
export function findHostTools(find: (tool: string) => string | undefined = findTool): HostTools {
  const qemu = find('qemu-system-x86_64');
  const qemuImg = find('qemu-img');
  const maker = seedMakers.map((kind) => ({ kind, path: find(kind) })).find((found) => found.path !== undefined);
  const missing: { what: string; pkg: string }[] = [];
  if (qemu === undefined) missing.push({ what: 'qemu-system-x86_64', pkg: 'qemu-system-x86' });
  if (qemuImg === undefined) missing.push({ what: 'qemu-img', pkg: 'qemu-utils' });
  if (maker?.path === undefined) missing.push({ what: `a NoCloud seed maker (${seedMakers.join(', ')})`, pkg: 'genisoimage' });
  if (qemu === undefined || qemuImg === undefined || maker?.path === undefined) {
    const listed = missing.map((m) => `${m.what} (package ${m.pkg})`).join('; ');
    throw new ConfigError(`the qemu provider needs programs that are not on PATH: ${listed}; install them, e.g. sudo apt-get install ${missing.map((m) => m.pkg).join(' ')}`);
  }
  return { qemu, qemuImg, seedMaker: { kind: maker.kind, path: maker.path } };
}

