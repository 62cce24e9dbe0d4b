import type { Problem, ValidateConfigResult } from '../../src/index.js';

/** The `local` provider's config, validated: what `environments.yaml` may set. */
export interface LocalConfig {
  /** The simulated availability zones machines are spread over, in order. */
  readonly zones: readonly string[];
  /** How long a machine "boots" before its user-data is applied, in milliseconds. */
  readonly bootDelayMs: number;
}

export const defaultLocalConfig: LocalConfig = { zones: ['local-a', 'local-b', 'local-c'], bootDelayMs: 0 };

const zonePattern = /^[a-z0-9-]+$/;
const knownKeys = ['zones', 'boot-delay'] as const;
const maxBootDelayMs = 60 * 60 * 1000;
const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Checks a raw `local` config (kebab-case keys) and returns every problem at once. An
 * absent or empty config means the defaults: zones `local-a`, `local-b`, `local-c`, no
 * boot delay.
 *
 * @example
 * validateLocalConfig({ zones: ['z1', 'z2'], 'boot-delay': '500ms' });
 * // { ok: true, config: { zones: ['z1', 'z2'], bootDelayMs: 500 } }
 */
export function validateLocalConfig(raw: unknown): ValidateConfigResult<LocalConfig> {
  if (raw === undefined || raw === null) return { ok: true, config: defaultLocalConfig };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '', message: `the local provider's config must be a mapping (zones, boot-delay), got ${describeValue(raw)}` }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (!(knownKeys as readonly string[]).includes(key)) problems.push({ path: key, message: unknownKeyMessage(key) });
  }
  const zones = input['zones'] === undefined ? defaultLocalConfig.zones : checkZones(input['zones'], problems);
  const bootDelayMs = input['boot-delay'] === undefined ? 0 : checkBootDelay(input['boot-delay'], problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { zones, bootDelayMs } };
}

/** Parses `500ms`, `2s`, `1.5m` or a bare number of milliseconds; undefined when malformed. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (match === null) return undefined;
  const unit = durationUnits[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

function checkZones(value: unknown, problems: Problem[]): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ path: 'zones', message: `must be a non-empty list of zone names, e.g. [local-a, local-b], got ${describeValue(value)}` });
    return [];
  }
  const seen = new Set<string>();
  value.forEach((zone: unknown, index) => {
    const path = `zones[${index}]`;
    if (typeof zone !== 'string' || !zonePattern.test(zone)) {
      problems.push({ path, message: `${describeValue(zone)} is not a zone name; use lower-case letters, digits and dashes` });
    } else if (seen.has(zone)) {
      problems.push({ path, message: `zone "${zone}" is listed twice; list each zone once` });
    } else {
      seen.add(zone);
    }
  });
  return [...seen];
}

function checkBootDelay(value: unknown, problems: Problem[]): number {
  const parsed = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
  if (parsed === undefined) {
    problems.push({
      path: 'boot-delay',
      message: `${describeValue(value)} is not a duration; write e.g. 500ms, 2s or 1m, or a non-negative number of milliseconds`,
    });
    return 0;
  }
  if (parsed > maxBootDelayMs) {
    problems.push({ path: 'boot-delay', message: `${String(value)} is longer than the 1h maximum; use a shorter delay` });
  }
  return parsed;
}

function unknownKeyMessage(key: string): string {
  const kebab = key.replace(/_/g, '-').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  const near = knownKeys.find((known) => known === kebab || known === `${kebab}s`);
  const hint = near === undefined ? '' : `; did you mean "${near}"?`;
  return `unknown key for the local provider (it accepts ${knownKeys.join(', ')})${hint}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
