/** How long a value may be before the text view shortens it (JSON keeps it whole). */
const maxValueLength = 60;
const secretKey = /private-?key|secret|password|token|credential/i;

/**
 * A provider config as `key=value` pairs, nested keys joined with dots, lists with commas,
 * long values shortened in the middle and anything named like a secret hidden: for a
 * screen, not for parsing.
 *
 * @example
 * optionPairs({ region: 'eu-west-1', jumpHost: { port: 22 } }) // ['region=eu-west-1', 'jumpHost.port=22']
 */
export function optionPairs(options: unknown, prefix = ''): string[] {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return prefix === '' ? [] : [`${prefix}=${valueText(options)}`];
  return Object.entries(options as Record<string, unknown>).flatMap(([key, value]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value === undefined) return [];
    if (secretKey.test(key)) return [`${path}=(hidden)`];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return optionPairs(value, path);
    return [`${path}=${valueText(value)}`];
  });
}

/** The config as JSON can carry it, secrets hidden as in the text. */
export function optionsJson(options: unknown): unknown {
  if (Array.isArray(options)) return options.map(optionsJson);
  if (options === null || typeof options !== 'object') return options ?? null;
  return Object.fromEntries(
    Object.entries(options as Record<string, unknown>)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, secretKey.test(key) ? '(hidden)' : optionsJson(value)]),
  );
}

function valueText(value: unknown): string {
  const text = Array.isArray(value)
    ? value.length === 0 ? '(none)' : value.map((item) => valueText(item)).join(',')
    : value === '' ? '""' : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  if (text.length <= maxValueLength) return text;
  const half = Math.floor((maxValueLength - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(-half)}`;
}
