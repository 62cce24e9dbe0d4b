import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';

/** An authorized public key, parsed (ssh2's `ParsedKey` is one): what an attempt is compared with. */
export interface AuthorizedKey {
  /** The key type, e.g. `ssh-ed25519`. */
  readonly type: string;
  /** The key in SSH wire format. */
  getPublicSSH(): Buffer;
  verify(data: Buffer, signature: Buffer, hashAlgo?: string): boolean;
}

/** A public-key authentication attempt as an SSH server sees it (ssh2's `PublicKeyAuthContext` is one). */
export interface PublicKeyAttempt {
  readonly key: { readonly algo: string; readonly data: Buffer };
  /** Absent when the client only asks whether the key would do. */
  readonly signature?: Buffer | undefined;
  /** The signed data, present with `signature`. */
  readonly blob?: Buffer | undefined;
  readonly hashAlgo?: string | undefined;
}

/**
 * For SSH *servers* built on ssh2 (the test host, the local provider's machines): parses
 * one `authorized_keys` line, throwing a message that names the problem, not the key.
 */
export function parseAuthorizedKey(line: string): AuthorizedKey {
  const parsed = ssh2.utils.parseKey(line.trim());
  if (parsed instanceof Error) throw new Error(`an authorized key is not an OpenSSH public key: ${parsed.message}`);
  return parsed;
}

/**
 * True when a public-key authentication attempt is for `key` and, once signed, carries a
 * valid signature (ssh2 asks first without a signature, then with one).
 */
export function authorizedKeyMatches(key: AuthorizedKey, ctx: PublicKeyAttempt): boolean {
  const blob = key.getPublicSSH();
  if (ctx.key.algo !== key.type || ctx.key.data.length !== blob.length || !timingSafeEqual(ctx.key.data, blob)) return false;
  // A query without a signature only asks whether the key would do; a signed attempt must verify.
  return ctx.signature === undefined || (ctx.blob !== undefined && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo));
}
