import { formatConstraints } from '../provider/index.js';

/**
 * `23.5 GiB`, `512 MiB`: a size in MiB as a person reads it in a message.
 *
 * @example
 * readableSize(24_105); // '23.5 GiB'
 */
export function readableSize(mib: number): string {
  if (mib >= 1024 * 1024) return `${trim(mib / (1024 * 1024))} TiB`;
  if (mib >= 1024) return `${trim(mib / 1024)} GiB`;
  return `${mib} MiB`;
}

/**
 * The largest round size not above `mib`, in constraint syntax (`23G`, `512M`): what to
 * ask for instead of a size that is too big.
 *
 * @example
 * sizeAtMost(24_105); // '23G'
 */
export function sizeAtMost(mib: number): string {
  return mib >= 1024 ? `${Math.floor(mib / 1024)}G` : `${Math.floor(mib)}M`;
}

function trim(value: number): string {
  return (Math.floor(value * 10) / 10).toString();
}

/**
 * `mem=1T`, `root-disk=20G`: one size constraint as the operator writes it (and as
 * `formatConstraints` does).
 */
export function sizeConstraint(key: 'mem' | 'root-disk', mib: number): string {
  return `${key}=${formatConstraints({ memoryMiB: mib }).slice('mem='.length)}`;
}
