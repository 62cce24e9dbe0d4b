import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/** The constraint keys a provider's hardware limits speak to. */
export type HardwareConstraintKey = 'arch' | 'cores' | 'mem' | 'root-disk';

/**
 * The most one machine can have, as the provider states it. Sizes in MiB. An absent figure
 * is not known: constraints on it are not checked before the start, and the operator is
 * warned (with the reason in `unknown`, when given), never left to guess.
 */
export interface HardwareLimits {
  /** What a machine is, for messages: `a local machine`, `a qemu VM`, `host ubuntu@203.0.113.7:22`. */
  readonly machine: string;
  /** Where the figures come from, for messages: `this host's`, `as the host reports it`. */
  readonly source: string;
  /** The architectures a machine can have, in constraint terms (`amd64`, `arm64`, …). */
  readonly arches?: readonly string[] | undefined;
  readonly maxCores?: number | undefined;
  readonly maxMemoryMiB?: number | undefined;
  readonly maxRootDiskMiB?: number | undefined;
  /** Why a figure is absent, by constraint key: shown with the warning that it is not checked. */
  readonly unknown?: Readonly<Partial<Record<HardwareConstraintKey, string>>> | undefined;
}

export interface HardwareLimitsParams {
  /** The machine's placement directive (the manual provider's host), when it has one. */
  readonly placement?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The hardware-limits ability: a provider without an instance-type catalogue states what
 * one machine can have, so that common code refuses constraints nothing can meet before
 * anything is created (`CONFIG_INVALID`, naming each constraint, what the provider can
 * give and what to do), the same way for bootstrap and add-machine. A provider with a
 * catalogue needs none: its types are the limits. A provider with neither gets a warning
 * for every hardware constraint, saying it is not checked.
 */
export interface HardwareLimitsEnviron extends Environ {
  /**
   * The limits for a machine started at `placement`. Read-only and creates nothing; it
   * may look (the manual provider logs in to the host and reads its hardware). Common code
   * calls it only when the constraints name hardware. Fails like `preflight` (credentials,
   * an unreachable host) with envboot's errors.
   */
  hardwareLimits(params: HardwareLimitsParams): Promise<HardwareLimits>;
}

/** True when the Environ states its machines' hardware limits. */
export function hasHardwareLimits(environ: Environ): environ is HardwareLimitsEnviron {
  return implementsAbility(environ, 'hardware-limits');
}
