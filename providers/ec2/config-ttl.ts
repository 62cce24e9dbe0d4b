import { checkDuration, type DurationCheck } from '../../src/provider-config/index.js';
import { describeValue, type Check } from './config-checks.js';

// `ttl` and `--ttl`: how long an environment lives before `envboot cleanup --expired`
// may remove it. Loaded by the CLI's light descriptor: no SDK.

const minute = 60_000;
const day = 24 * 60 * minute;

/**
 * The shortest ttl: a bootstrap alone takes minutes, and an environment that expires
 * while it is being built would be removed from under it by a `cleanup --expired` run
 * (a CI job's cron, say) that happens to come by.
 */
export const minTtlMs = 10 * minute;
/** The longest: an environment meant to live longer than a year is not a throwaway one; leave ttl out. */
export const maxTtlMs = 365 * day;

const daysFirst = /^(\d+)d(.*)$/;

/**
 * A ttl as operators write it: the CLI's durations (`90m`, `2h`, `1h30m`, as `--timeout`
 * and `--older-than` take them) and whole days in front (`3d`, `1d12h`), between 10
 * minutes and 365 days.
 *
 * @example
 * parseTtl('3d'); // { ok: true, ms: 259_200_000 }
 * parseTtl('5m'); // { ok: false, message: '"5m" is shorter than the shortest ttl, 10m: …' }
 */
export function parseTtl(text: string): DurationCheck {
  const trimmed = text.trim();
  const days = daysFirst.exec(trimmed);
  const rest = days === null ? checkDuration(trimmed) : days[2] === '' ? { ok: true as const, ms: 0 } : checkDuration(days[2] ?? '');
  if (!rest.ok) {
    const message = days === null ? rest.message : `${JSON.stringify(trimmed)} is not a duration; write days first, then the rest, e.g. 3d or 1d12h`;
    return { ok: false, message: message.replace(/days are not a unit; write hours instead, e.g. 24h$/, 'write whole days as e.g. 3d') };
  }
  const ms = Number(days?.[1] ?? 0) * day + rest.ms;
  const quoted = JSON.stringify(trimmed);
  if (ms === 0) return { ok: false, message: `a ttl of ${quoted} would expire at once; give how long the environment lives, e.g. 8h or 3d` };
  if (ms < minTtlMs) {
    return { ok: false, message: `${quoted} is shorter than the shortest ttl, 10m: a bootstrap alone takes minutes, and cleanup --expired could remove the environment while it is being built` };
  }
  if (ms > maxTtlMs) return { ok: false, message: `${quoted} is longer than the longest ttl, 365d; for an environment that stays, leave ttl out` };
  return { ok: true, ms };
}

/** `ttl` in environments.yaml: a string such as `8h` or `3d` (a bare number has no unit and is refused). */
export const checkTtl: Check<number> = (value, path, problems) => {
  const checked = typeof value === 'string' ? parseTtl(value) : undefined;
  if (checked?.ok === true) return checked.ms;
  const message = checked === undefined ? `must be a duration such as 8h, 90m or 3d, got ${describeValue(value)}` : checked.message;
  problems.push({ path, message });
  return undefined;
};

/** `3d`, `1d12h`, `8h`, `1h30m`: a ttl as the plan and status show it, which `parseTtl` reads back. */
export function formatTtl(ms: number): string {
  const units: [string, number][] = [['d', day], ['h', 60 * minute], ['m', minute], ['s', 1000], ['ms', 1]];
  let left = Math.round(ms);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const count = Math.floor(left / size);
    left -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.length === 0 ? '0s' : parts.join('');
}
