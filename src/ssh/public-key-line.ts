/** The host key types OpenSSH accepts today (DSA is gone). */
export const hostKeyTypes = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;

/**
 * An OpenSSH public key line as `type base64` (comment dropped), or undefined when it is
 * not one: a known type, and base64 key data whose own type field names that type. Light
 * on purpose (no ssh2), for config validation that must stay cheap to load.
 *
 * @example
 * publicKeyLine('ssh-ed25519 AAAAC3Nza… ops@laptop'); // 'ssh-ed25519 AAAAC3Nza…'
 */
export function publicKeyLine(text: string): string | undefined {
  const { type, data, key } = keyLineFields(text);
  if (!isKeyType(type) || !blobNamesType(data, type)) return undefined;
  return key;
}

/** The fields of a public key line: `type base64 comment…`. */
export interface KeyLineFields {
  /** The first field (`ssh-ed25519`, …), whatever it holds: `''` for a blank line. */
  readonly type: string;
  /** The second field, the base64 key data; `''` when missing. */
  readonly data: string;
  /** `type base64`: the key itself, without comment; what identifies it (`type` alone when there is no data). */
  readonly key: string;
  /** The fields after the key, joined by one space; `''` when there is none. */
  readonly comment: string;
}

/**
 * Splits a public key line (a `.pub` file's, or an authorized_keys line without options)
 * into its fields, checking nothing: the one place that knows where the key ends and the
 * comment starts. `isKeyType`, `publicKeyLine` and `parseClientPublicKey` say whether it
 * is a key; a line with options splits into nonsense (its first field is the options).
 *
 * @example
 * keyLineFields('ssh-ed25519 AAAAC3Nza… envboot:6f1c…:ops').key; // 'ssh-ed25519 AAAAC3Nza…'
 */
export function keyLineFields(line: string): KeyLineFields {
  const [type = '', data = '', ...rest] = line.trim().split(/\s+/);
  return { type, data, key: data === '' ? type : `${type} ${data}`, comment: rest.join(' ') };
}

/** Whether `type` is one of the key types OpenSSH accepts today (`hostKeyTypes`). */
export function isKeyType(type: string): boolean {
  return (hostKeyTypes as readonly string[]).includes(type);
}

/** Whether base64 `data` is key data of `type` (its first field is the type's name). */
export function blobNamesType(data: string, type: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return false;
  const blob = Buffer.from(data, 'base64');
  return blob.length > 4 + type.length && blob.readUInt32BE(0) === type.length && blob.subarray(4, 4 + type.length).toString('latin1') === type;
}
