import { describeValue, type Check } from './config-checks.js';

// Small value helpers shared by the ec2 config's checks.

const booleanWords: Readonly<Record<string, boolean>> = { yes: true, true: true, on: true, no: false, false: false, off: false };

export const checkBoolean: Check<boolean> = (value, path, problems) => {
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const meant = word === undefined ? undefined : booleanWords[word];
  const hint = meant === undefined ? 'write true or false' : `write ${String(meant)} without quotes`;
  problems.push({ path, message: `must be true or false, got ${describeValue(value)}; ${hint}` });
  return undefined;
};

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `{ [key]: value }`, or `{}` for undefined: optional properties under exactOptionalPropertyTypes. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
