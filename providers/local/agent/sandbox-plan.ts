import { statSync } from 'node:fs';
import path from 'node:path';

/** How one directory of the machine is made (see `setup-script.ts`). */
export type MountKind = 'overlay' | 'own' | 'copy' | 'var' | 'tmpfs' | 'devpts';

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
  /** True when envboot runs as real root: host files owned by root are then writable copy-on-write. */
  readonly privileged: boolean;
  /** Whether a directory exists on the host; injectable for tests. */
  readonly isDirectory?: (dir: string) => boolean;
}

/**
 * The mounts that give a machine its own writable directories, in order. As real root,
 * /etc and /var are copy-on-write views of the host's; unprivileged, their contents belong
 * to a uid the user namespace cannot map, so a view would be read-only below the top:
 * /etc is then a copy and /var a fresh skeleton. /root and /home are always the
 * machine's own, empty: a fresh machine has no host users' files (keys, credentials)
 * in them. A mount whose target contains the machine's own directory would hide it from
 * the mounts after it, so it comes last and is never an overlay (overlayfs refuses a
 * layer inside another). /dev/pts is a devpts of the machine's own, for the ptys of
 * its SSH sessions: numbered from 0, and no access to the host's terminals.
 *
 * @example
 * planMounts({ fsDir: '/root/.local/share/envboot/x/machines/local-1/fs', privileged: true });
 * // …, { kind: 'own', mode: '0700', target: '/root' }   (last)
 */
export function planMounts(params: PlanMountsParams): MountOp[] {
  const isDirectory = params.isDirectory ?? hostHasDirectory;
  const view = (target: string, fallback: MountKind): MountOp =>
    params.privileged ? { kind: 'overlay', fallback, mode: '0755', target } : { kind: fallback, mode: '0755', target };
  const ops: MountOp[] = [
    view('/etc', 'copy'),
    view('/var', 'var'),
    { kind: 'overlay', fallback: 'own', mode: '0755', target: '/usr/local' },
    { kind: 'overlay', fallback: 'own', mode: '0755', target: '/opt' },
    { kind: 'overlay', fallback: 'own', mode: '0755', target: '/srv' },
    { kind: 'own', mode: '0755', target: '/home' },
    { kind: 'own', mode: '0700', target: '/root' },
    { kind: 'own', mode: '1777', target: '/tmp' },
    { kind: 'tmpfs', mode: '0755', target: '/run' },
    { kind: 'tmpfs', mode: '1777', target: '/dev/shm' },
    { kind: 'devpts', mode: '0620', target: '/dev/pts' },
  ];
  // overlayfs options are comma- and colon-separated: a directory with those cannot be a layer.
  const overlayable = !/[,:\\\s]/.test(params.fsDir);
  const planned = ops
    .filter((op) => isDirectory(op.target))
    .map((op) => (op.kind === 'overlay' && (!overlayable || contains(op.target, params.fsDir)) ? withoutOverlay(op) : op));
  return [...planned.filter((op) => !contains(op.target, params.fsDir)), ...planned.filter((op) => contains(op.target, params.fsDir))];
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
