/**
 * Keeps secrets out of logs. Three nets, because any one alone leaks:
 * 1. values under sensitive field names (`privateKey`, `secretAccessKey`, `userData`,
 *    `password`, `token`, …) are replaced whatever they contain;
 * 2. text that looks like a secret is replaced wherever it appears: PEM and OpenSSH
 *    private key blocks, AWS secret keys next to their name, `#cloud-config` bodies;
 * 3. exact values registered with `add` (a generated key, a user-data body, a
 *    credential read from a file) are replaced wherever they appear.
 */
export const redacted = '[REDACTED]';

const sensitiveName =
  /(private[-_]?key|secret|password|passphrase|token|credential|user[-_]?data|authorization|session[-_]?key|nonce)/i;

const secretPatterns: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /((?:aws[-_ ]?)?secret[-_ ]?(?:access[-_ ]?)?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{30,}/gi,
  /#cloud-config\b[\s\S]*/g,
  /Content-Type: multipart\/mixed[\s\S]*/g,
  // The password in a URL's user part (a proxy's `http://user:password@proxy:3128`).
  /(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:'"]*:)[^\s/?#@'"]+(?=@)/g,
];

export class SecretRedactor {
  readonly #secrets = new Set<string>();

  /** Registers an exact secret value; values shorter than 8 characters are ignored as too common. */
  add(secret: string | Uint8Array): void {
    const text = typeof secret === 'string' ? secret : Buffer.from(secret).toString('utf8');
    if (text.length >= 8) this.#secrets.add(text);
  }

  /** Redacts one string. */
  redactText(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(redacted);
    for (const pattern of secretPatterns) {
      out = out.replace(pattern, (_match, keep: unknown) =>
        typeof keep === 'string' && !keep.startsWith('-----') ? `${keep}${redacted}` : redacted,
      );
    }
    return out;
  }

  /** A deep copy of `value` with every secret replaced; Errors become plain objects. */
  redactValue(value: unknown, seen = new WeakSet<object>()): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, seen));
    const source = value instanceof Error ? errorFields(value) : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) out[key] = this.redactField(key, item, seen);
    return out;
  }

  /** Redacts one named field: the whole value when the name is sensitive. */
  redactField(name: string, value: unknown, seen = new WeakSet<object>()): unknown {
    return sensitiveName.test(name) && value !== undefined && value !== null ? redacted : this.redactValue(value, seen);
  }
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields['code'] = code;
  if (error.stack !== undefined) fields['stack'] = error.stack;
  if (error.cause !== undefined) fields['cause'] = error.cause;
  return fields;
}
