import { ConfigError, type Problem } from '../errors/index.js';
import { formatConstraintDefault, formatConstraints, type ConstraintDefault, type Constraints, type HardwareConstraintKey, type HardwareLimits } from '../provider/index.js';
import { readableSize, sizeAtMost, sizeConstraint } from './sizes.js';

/** What checking constraints against a provider's limits found. */
export interface HardwareCheck {
  /** Constraints the limits rule out, each naming itself, what a machine can have and what to do. */
  readonly problems: readonly Problem[];
  /** Constraints the limits say nothing about, as warnings: they are not checked before the start. */
  readonly unchecked: readonly string[];
}

export interface CheckHardwareParams {
  /** The provider's name, for messages. */
  readonly provider: string;
  readonly constraints: Constraints;
  readonly limits: HardwareLimits;
}

/**
 * Checks constraints against what one machine of a provider without an instance-type
 * catalogue can have: `instance-type=` (it has none), arch, cores, memory and root disk.
 * Pure; the planner and the providers' own start checks both use it, so the errors are
 * the same wherever a constraint is refused.
 *
 * @example
 * checkHardware({ provider: 'local', constraints: { cores: 64 }, limits: { machine: 'a local machine', source: "this host's", maxCores: 2 } });
 * // problems: ['cores=64: a local machine has at most 2 cores (this host's); ask for cores=2 or fewer']
 */
export function checkHardware(params: CheckHardwareParams): HardwareCheck {
  const { constraints: c, limits } = params;
  const problems: Problem[] = [];
  const unchecked: string[] = [];
  const problem = (message: string): void => {
    problems.push({ path: '', message });
  };
  const notKnown = (key: HardwareConstraintKey, word: string, what: string): void => {
    const why = limits.unknown?.[key];
    unchecked.push(`${word} is not checked before the start: ${limits.machine}'s ${what} is not known${why === undefined ? '' : ` (${why})`}`);
  };
  if (c.instanceType !== undefined) problems.push(noInstanceTypes(params.provider, c.instanceType));
  if (c.arch !== undefined) {
    const arches = limits.arches;
    if (arches === undefined) notKnown('arch', `arch=${c.arch}`, 'architecture');
    else if (!arches.includes(c.arch)) {
      problem(`arch=${c.arch}: ${limits.machine} is ${arches.join(' or ')} (${limits.source}); remove arch= or ask for arch=${arches[0] ?? 'amd64'}`);
    }
  }
  if (c.cores !== undefined) {
    const most = limits.maxCores;
    if (most === undefined) notKnown('cores', `cores=${c.cores}`, 'number of cores');
    else if (c.cores > most) problem(`cores=${c.cores}: ${limits.machine} has at most ${most} ${most === 1 ? 'core' : 'cores'} (${limits.source}); ask for cores=${most} or fewer`);
  }
  if (c.memoryMiB !== undefined) {
    const word = sizeConstraint('mem', c.memoryMiB);
    const most = limits.maxMemoryMiB;
    if (most === undefined) notKnown('mem', word, 'memory');
    else if (c.memoryMiB > most) problem(`${word}: ${limits.machine} has at most ${readableSize(most)} of memory (${limits.source}); ask for mem=${sizeAtMost(most)} or less`);
  }
  if (c.rootDiskMiB !== undefined) {
    const word = sizeConstraint('root-disk', c.rootDiskMiB);
    const most = limits.maxRootDiskMiB;
    if (most === undefined) notKnown('root-disk', word, 'root disk size');
    else if (c.rootDiskMiB > most) problem(`${word}: ${limits.machine} has at most a ${readableSize(most)} root disk (${limits.source}); ask for root-disk=${sizeAtMost(most)} or less`);
  }
  return { problems, unchecked };
}

/**
 * For a provider's own start checks: throws `CONFIG_INVALID` listing every constraint the
 * limits rule out, as the planner would have before anything was created.
 */
export function refuseUnmetConstraints(params: CheckHardwareParams): void {
  const { problems } = checkHardware(params);
  if (problems.length > 0) throw unmetConstraintsError({ provider: params.provider, constraints: params.constraints, problems });
}

/** The `CONFIG_INVALID` for constraints (and zones) a provider cannot meet, every problem listed. */
export function unmetConstraintsError(params: {
  readonly provider: string;
  readonly constraints: Constraints;
  /** The provider's defaults laid over them (`arch=amd64 (default)`), named so that the operator can override them. */
  readonly defaults?: readonly ConstraintDefault[] | undefined;
  /** Zones asked for apart from the constraints (`--zone`). */
  readonly zones?: readonly string[] | undefined;
  readonly problems: readonly Problem[];
}): ConfigError {
  const formatted = formatConstraints(params.constraints);
  const defaults = (params.defaults ?? []).map(formatConstraintDefault);
  const asked = [
    ...(formatted === '' ? [] : [`the constraints "${formatted}"`]),
    ...(defaults.length === 0 ? [] : [`the defaults ${defaults.join(' ')}`]),
    ...(params.zones === undefined || params.zones.length === 0 ? [] : [`--zone ${params.zones.join(',')}`]),
  ];
  const what = asked.length === 0 ? 'what was asked' : asked.join(' with ');
  return new ConfigError(`the ${params.provider} provider cannot meet ${what} (nothing was created):`, { problems: params.problems });
}

/** `instance-type=` on a provider without an instance-type catalogue. */
export function noInstanceTypes(provider: string, instanceType: string): Problem {
  return { path: '', message: `instance-type=${instanceType}: the ${provider} provider has no instance types; ask for the hardware instead, e.g. cores=2 mem=4G` };
}

/** `arch=arm64 cores=64 mem=1T`: the hardware constraints alone, as the operator writes them. */
export function hardwareWords(c: Constraints): string {
  return [
    ...(c.arch === undefined ? [] : [`arch=${c.arch}`]),
    ...(c.cores === undefined ? [] : [`cores=${c.cores}`]),
    ...(c.memoryMiB === undefined ? [] : [sizeConstraint('mem', c.memoryMiB)]),
    ...(c.rootDiskMiB === undefined ? [] : [sizeConstraint('root-disk', c.rootDiskMiB)]),
  ].join(' ');
}

/** True when the constraints ask for hardware a provider without a catalogue must check. */
export function asksForHardware(c: Constraints): boolean {
  return c.arch !== undefined || c.cores !== undefined || c.memoryMiB !== undefined || c.rootDiskMiB !== undefined;
}
