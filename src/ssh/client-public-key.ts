import ssh2 from 'ssh2';
import { ConfigError } from '../errors/index.js';
import { fingerprint } from './keys.js';
import { blobNamesType, isKeyType, keyLineFields } from './public-key-line.js';

/** A client's public key, as `authorize` accepts it: a bare OpenSSH key line, checked. */
export interface ClientPublicKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256` (… 384, 521) or `ssh-rsa`. */
  readonly type: string;
  /** `type base64`: the key itself, without its comment; what identifies it. */
  readonly key: string;
  /** The comment after the key, `''` when there is none. */
  readonly comment: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
}

const minimumRsaBits = 2048;
const keyTypeWord = /\b(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|ssh-dss|sk-[a-z0-9-]+@openssh\.com)\s+AAAA/;

/**
 * Parses one OpenSSH public key line (`type base64 [comment]`, as in a `.pub` file) that
 * another client gives to be authorized. Only real keys of the types OpenSSH accepts
 * today (ed25519, ecdsa, rsa of 2048 bits or more), and no `authorized_keys` options
 * (`command=`, `from=`, …): the line envboot writes on machines must grant a plain login
 * and nothing else. Throws `CONFIG_INVALID` naming the problem and what to give instead;
 * a private key given by mistake is named as such, and nothing of it is quoted.
 *
 * @example
 * parseClientPublicKey('ssh-ed25519 AAAAC3Nza… ops@laptop').fingerprint; // 'SHA256:…'
 */
export function parseClientPublicKey(text: string, what = 'the key'): ClientPublicKey {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File/.test(text)) {
    throw new ConfigError(`${what} is a private key; give the .pub (the public half, one line; "ssh-keygen -y -f FILE" prints it). Nothing was changed`);
  }
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length !== 1) {
    throw new ConfigError(
      lines.length === 0
        ? `${what} is empty; give one OpenSSH public key line ("ssh-ed25519 AAAA… comment") or a .pub file holding one`
        : `${what} holds ${lines.length} lines; give one OpenSSH public key line, and authorize each key on its own`,
    );
  }
  const line = lines[0] ?? '';
  const { type, data, key, comment } = keyLineFields(line);
  if (!isKeyType(type)) throw new ConfigError(`${what} ${typeProblem(line, type)}`);
  if (!blobNamesType(data, type) || ssh2.utils.parseKey(key) instanceof Error) {
    throw new ConfigError(`${what} is not a valid ${type} public key (its base64 key data is damaged or of another type); copy the whole line from the .pub file again`);
  }
  const blob = Buffer.from(data, 'base64');
  if (type === 'ssh-rsa') {
    const bits = rsaModulusBits(blob);
    if (bits < minimumRsaBits) throw new ConfigError(`${what} is an RSA key of ${bits} bits; OpenSSH refuses fewer than ${minimumRsaBits}: make a new key ("ssh-keygen -t ed25519") and give its .pub`);
  }
  return { type, key, comment, fingerprint: fingerprint(blob) };
}

function typeProblem(line: string, type: string): string {
  const later = keyTypeWord.exec(line);
  if (later !== null && later.index > 0) {
    return 'starts with authorized_keys options (command=, from=, …), which envboot does not write: give the bare key line, "type AAAA… comment"';
  }
  if (type === 'ssh-dss') return 'is a DSA key, which OpenSSH no longer accepts: make a new key ("ssh-keygen -t ed25519") and give its .pub';
  if (type.startsWith('sk-')) return `is a security-key (${type}) key, which envboot's machines do not all accept: give an ed25519, ecdsa or rsa key`;
  return `is not an OpenSSH public key line (expected "ssh-ed25519 AAAA… comment", or an ecdsa or rsa key, as in a .pub file)`;
}

/** The bit length of an `ssh-rsa` key blob's modulus (string type, mpint e, mpint n). */
function rsaModulusBits(blob: Buffer): number {
  let offset = 0;
  const field = (): Buffer => {
    const length = blob.readUInt32BE(offset);
    const value = blob.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return value;
  };
  field();
  field();
  const modulus = field();
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start += 1;
  if (start === modulus.length) return 0;
  return (modulus.length - start - 1) * 8 + (32 - Math.clz32(modulus[start] ?? 0));
}
