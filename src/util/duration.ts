/**
 * Durations as operators write them: Go's syntax (`500ms`, `30s`, `10m`, `1h30m`,
 * `1.5m`), which Juju, Terraform and Kubernetes tools also use, so a value copied from
 * one of them means the same here. Resolution is one millisecond.
 */

/** The units a duration may use, in milliseconds. */
export const durationUnits = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export type DurationUnit = keyof typeof durationUnits;

export interface ParseDurationOptions {
  /**
   * The unit of a number written without one (`30`, or a YAML number). Absent: such a
   * number is refused, except 0, as Go and Terraform do, because `--timeout 30` is
   * seconds to some people and milliseconds to others.
   */
  readonly bareNumberUnit?: DurationUnit;
}

export type DurationCheck = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

const number = String.raw`(?:\d+\.?\d*|\.\d+)`;
const bareNumber = new RegExp(`^${number}$`);
const wellFormed = new RegExp(`^(?:${number}(?:ms|s|m|h))+$`);
const component = new RegExp(`(${number})(ms|s|m|h)`, 'g');
const unitList = 'ms, s, m, h';

/**
 * Milliseconds in `text`, or undefined when it is not a duration. See `checkDuration`
 * for the reason.
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration('1.5s'); // 1500
 * parseDuration('30'); // undefined: no unit
 * parseDuration('30', { bareNumberUnit: 's' }); // 30_000
 */
export function parseDuration(text: string | number, options: ParseDurationOptions = {}): number | undefined {
  const checked = checkDuration(text, options);
  return checked.ok ? checked.ms : undefined;
}

/**
 * Like `parseDuration`, but says what is wrong in a message that quotes the value and
 * shows an accepted form, e.g. `"30" has no unit; write e.g. 30s or 30m (units: ms, s, m, h)`.
 * Fractions of a millisecond are rounded to the nearest one.
 */
export function checkDuration(text: string | number, options: ParseDurationOptions = {}): DurationCheck {
  if (typeof text === 'number') return checkNumber(text, options);
  const trimmed = text.trim();
  if (bareNumber.test(trimmed)) return checkNumber(Number(trimmed), options, trimmed);
  if (!wellFormed.test(trimmed)) return { ok: false, message: malformedMessage(trimmed) };
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(component)) {
    ms += Number(amount) * durationUnits[unit as DurationUnit];
  }
  return inRange(Math.round(ms), trimmed);
}

/**
 * A duration for people: `340ms`, `1.2s`, `2m05s`, `1h02m05s`. What it prints for a
 * non-negative duration, `parseDuration` reads back (to the precision shown).
 *
 * @example
 * formatDuration(125_000); // '2m05s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole}ms`;
  const tenths = Math.round(whole / 100);
  if (tenths < 600) return tenths % 10 === 0 ? `${tenths / 10}s` : `${(tenths / 10).toFixed(1)}s`;
  const totalSeconds = Math.round(whole / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const mmss = `${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}m${String(seconds).padStart(2, '0')}s`;
  return hours > 0 ? `${hours}h${mmss}` : mmss;
}

function checkNumber(value: number, options: ParseDurationOptions, written = String(value)): DurationCheck {
  if (!Number.isFinite(value) || value < 0) {
    return { ok: false, message: `${JSON.stringify(written)} is not a duration; it must be zero or more, e.g. 30s` };
  }
  if (value === 0) return { ok: true, ms: 0 };
  if (options.bareNumberUnit === undefined) {
    return { ok: false, message: `${JSON.stringify(written)} has no unit; write e.g. ${written}s or ${written}m (units: ${unitList})` };
  }
  return inRange(Math.round(value * durationUnits[options.bareNumberUnit]), written);
}

function inRange(ms: number, written: string): DurationCheck {
  if (!Number.isSafeInteger(ms)) return { ok: false, message: `${JSON.stringify(written)} is too long a duration` };
  return { ok: true, ms };
}

function malformedMessage(text: string): string {
  const quoted = JSON.stringify(text);
  if (text === '') return `an empty string is not a duration; write e.g. 30s, 10m or 1h30m`;
  if (text.startsWith('-')) return `${quoted} is negative; a duration must be zero or more`;
  if (/^\d+(?:\.\d+)?\s*d(?:ays?)?$/i.test(text)) return `${quoted}: days are not a unit; write hours instead, e.g. 24h`;
  if (/(?:us|µs|ns)$/.test(text)) return `${quoted} is finer than envboot measures; the smallest unit is ms`;
  if (/\s/.test(text)) return `${quoted} must not contain spaces; write e.g. 1h30m or 500ms`;
  return `${quoted} is not a duration; write a number and a unit (${unitList}), e.g. 500ms, 30s, 10m or 1h30m`;
}
