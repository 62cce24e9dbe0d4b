import type { Problem } from '../../errors/index.js';
import type { ValidateConfigResult } from '../../provider/index.js';

/** The fake provider's section of environments.yaml. */
export interface FakeProviderConfig {
  /** The zones this environment sees, replacing the provider's; non-empty, distinct. */
  readonly zones?: readonly string[];
}

const knownKeys = ['zones'];

/**
 * Checks a fake provider config: absent or a mapping with an optional `zones` list of
 * distinct, non-empty strings. Reports every problem at once, each with its path.
 */
export function validateFakeConfig(raw: unknown): ValidateConfigResult<FakeProviderConfig> {
  if (raw === undefined || raw === null) return { ok: true, config: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '', message: `must be a mapping with optional "zones", got ${kindOf(raw)}` }] };
  }
  const problems: Problem[] = [];
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!knownKeys.includes(key)) problems.push({ path: key, message: `unknown key; supported here: ${knownKeys.join(', ')}` });
  }
  const zones = record['zones'];
  if (zones !== undefined) problems.push(...zoneProblems(zones));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: zones === undefined ? {} : { zones: [...(zones as string[])] } };
}

function zoneProblems(zones: unknown): Problem[] {
  if (!Array.isArray(zones)) return [{ path: 'zones', message: `must be a list of zone names, got ${kindOf(zones)}` }];
  if (zones.length === 0) return [{ path: 'zones', message: 'must name at least one zone' }];
  const problems: Problem[] = [];
  zones.forEach((zone: unknown, index) => {
    const path = `zones[${index}]`;
    if (typeof zone !== 'string' || zone === '') problems.push({ path, message: `must be a non-empty string, got ${kindOf(zone)}` });
    else if (zones.indexOf(zone) !== index) problems.push({ path, message: `repeats zone "${zone}"` });
  });
  return problems;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}
