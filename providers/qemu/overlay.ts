import { chmod } from 'node:fs/promises';
import type { BaseDisk } from './boot-files.js';
import { runTool } from './run-tool.js';

export interface CreateOverlayParams {
  readonly qemuImg: string;
  readonly base: BaseDisk;
  readonly overlay: string;
  /** The machine's disk size; never less than the image's own. */
  readonly sizeMiB: number;
  readonly signal?: AbortSignal | undefined;
}

/** The `qemu-img create` arguments of a machine's overlay: qcow2, backed by the image in its own format. */
export function overlayArgs(params: Pick<CreateOverlayParams, 'base' | 'overlay' | 'sizeMiB'>): string[] {
  const size = Math.max(params.sizeMiB, params.base.virtualSizeMiB);
  return ['create', '-q', '-f', 'qcow2', '-F', params.base.format, '-b', params.base.path, params.overlay, `${size}M`];
}

/**
 * Creates the machine's copy-on-write disk: every write goes to the overlay, the image
 * stays as it was and serves every machine. A size above the image's leaves room that
 * cloud-init's growpart gives to the root file system at first boot.
 */
export async function createOverlay(params: CreateOverlayParams): Promise<void> {
  await runTool({ command: params.qemuImg, args: overlayArgs(params), what: 'creating the machine disk', timeoutMs: 60_000, signal: params.signal });
  await chmod(params.overlay, 0o600);
}
