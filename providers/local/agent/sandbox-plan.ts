import { statSync } from 'node:fs';
import path from 'node:path';

/** How one directory of the machine is made (see `setup-script.ts`). */
export type MountKind = 'overlay' | 'snapshot' | 'own' | 'copy' | 'var' | 'tmpfs' | 'dev' | 'devpts' | 'hide';

export interface MountOp {
  readonly kind: MountKind;
  /** What an `overlay` becomes when overlayfs refuses. */
  readonly fallback?: MountKind;
  /** Octal mode of the directory the machine sees (for `devpts`, of the terminals it makes). */
  readonly mode: string;
  readonly target: string;
}

export interface PlanMountsParams {
  /** The machine's own files on the host (a real path, no symlinks). */
  readonly fsDir: string;
  /** Host directories the machine must not see: the environment's data, the client's keys and config. */
  readonly hide?: readonly string[] | undefined;
  /** Whether a directory exists on the host; injectable for tests. */
  readonly isDirectory?: (dir: string) => boolean;
}

/**
 * The mounts that make a machine's filesystem, in order. The machine's root is never a
 * user that owns the host's files (see `sandbox-ids.ts`), so a copy-on-write view of a
 * host directory is writable at its top only: /etc is a view of the environment's
 * snapshot of what every host user may read there (copied once, owned by the machines'
 * root, so writable throughout), /var a fresh skeleton, /usr/local, /opt and /srv views of
 * the host's. /root and
 * /home are always the machine's own, empty: a fresh machine has no host users' files
 * (keys, credentials) in them. /dev holds the harmless devices only, /dev/pts is a devpts
 * of the machine's own (numbered from 0, no access to the host's terminals). A mount whose
 * target contains the machine's own directory would hide it from the mounts after it, so
 * it comes last and is never an overlay (overlayfs refuses a layer inside another); the
 * hidden directories come after everything they might contain.
 *
 * @example
 * planMounts({ fsDir: '/root/.local/share/envboot/x/machines/local-1/fs', hide: ['/root/.local/share/envboot'] });
 * // …, { kind: 'own', mode: '0700', target: '/root' }, { kind: 'hide', mode: '0755', target: '/root/.local/share/envboot' }
 */
export function planMounts(params: PlanMountsParams): MountOp[] {
  const isDirectory = params.isDirectory ?? hostHasDirectory;
  const ops: MountOp[] = [
    { kind: 'snapshot', fallback: 'copy', mode: '0755', target: '/etc' },
    { kind: 'var', mode: '0755', target: '/var' },
    { kind: 'overlay', fallback: 'own', mode: '0755', target: '/usr/local' },
    { kind: 'overlay', fallback: 'own', mode: '0755', target: '/opt' },
    { kind: 'overlay', fallback: 'own', mode: '0755', target: '/srv' },
    { kind: 'own', mode: '0755', target: '/home' },
    { kind: 'own', mode: '0700', target: '/root' },
    { kind: 'own', mode: '1777', target: '/tmp' },
    { kind: 'tmpfs', mode: '0755', target: '/run' },
    { kind: 'dev', mode: '0755', target: '/dev' },
    { kind: 'tmpfs', mode: '1777', target: '/dev/shm' },
    { kind: 'devpts', mode: '0620', target: '/dev/pts' },
  ];
  // overlayfs options are comma- and colon-separated: a directory with those cannot be a layer.
  const overlayable = !/[,:\\\s]/.test(params.fsDir);
  const planned = ops
    .filter((op) => isDirectory(op.target))
    .map((op) => (op.fallback !== undefined && (!overlayable || contains(op.target, params.fsDir)) ? withoutOverlay(op) : op));
  const hidden = [...new Set(params.hide ?? [])].map((target): MountOp => ({ kind: 'hide', mode: '0755', target }));
  return [...planned.filter((op) => !contains(op.target, params.fsDir)), ...planned.filter((op) => contains(op.target, params.fsDir)), ...hidden];
}

/** The setup script's argument for one op: `KIND[,FALLBACK]:MODE:TARGET`. */
export function formatMountOp(op: MountOp): string {
  return `${op.kind}${op.fallback === undefined ? '' : `,${op.fallback}`}:${op.mode}:${op.target}`;
}

function withoutOverlay(op: MountOp): MountOp {
  return { kind: op.fallback ?? 'own', mode: op.mode, target: op.target };
}

function contains(dir: string, inner: string): boolean {
  const relative = path.relative(dir, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function hostHasDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
