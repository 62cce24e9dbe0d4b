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
  const [type = '', data = ''] = text.trim().split(/\s+/);
  if (!(hostKeyTypes as readonly string[]).includes(type) || !blobNamesType(data, type)) return undefined;
  return `${type} ${data}`;
}

/** Whether base64 `data` is key data of `type` (its first field is the type's name). */
export function blobNamesType(data: string, type: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return false;
  const blob = Buffer.from(data, 'base64');
  return blob.length > 4 + type.length && blob.readUInt32BE(0) === type.length && blob.subarray(4, 4 + type.length).toString('latin1') === type;
}
