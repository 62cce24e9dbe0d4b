import { timingSafeEqual } from 'node:crypto';
import { shellQuote } from '../../cloudinit/index.js';
import { NonceMismatchError } from '../errors/index.js';
import type { SshConnection } from '../ssh/index.js';

export const defaultNonceFile = '/var/lib/envboot/nonce';

/** What the machine's nonce file says: ours, another, or nothing yet. */
export type NonceState = 'match' | 'mismatch' | 'absent';

/**
 * Reads the nonce file over a verified connection and compares it with the expected
 * nonce in constant time. cloud-init writes the file as its last step, so `absent` means
 * "our machine, perhaps, but not finished booting". `ENVBOOT_ROOT` prefixes the path
 * where a test host sets it.
 */
export async function readNonceState(params: {
  connection: SshConnection;
  nonce: string;
  nonceFile: string;
  signal: AbortSignal;
}): Promise<NonceState> {
  const result = await params.connection.exec({
    command: `f="\${ENVBOOT_ROOT:-}"${shellQuote(params.nonceFile)}; if [ -e "$f" ]; then cat -- "$f"; else exit 3; fi`,
    signal: params.signal,
  });
  if (result.exitCode === 3) return 'absent';
  if (result.exitCode !== 0) {
    throw new NonceMismatchError(
      `${params.connection.address}: cannot read ${params.nonceFile} (exit ${String(result.exitCode ?? result.exitSignal)}): ${result.stderr.toString().trim()}`,
      { address: params.connection.address },
    );
  }
  const found = Buffer.from(result.stdout.toString().trim());
  // An empty file is one being written right now (truncated, not yet filled): not yet, not wrong.
  if (found.length === 0) return 'absent';
  const expected = Buffer.from(params.nonce);
  return found.length === expected.length && timingSafeEqual(found, expected) ? 'match' : 'mismatch';
}
