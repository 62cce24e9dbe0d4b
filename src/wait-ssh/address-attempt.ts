import type { Duplex } from 'node:stream';
import {
  NonceMismatchError,
  isHostKeyMismatch,
  isNonceMismatch,
  isBootFailed,
  isNonceUnreadable,
  isRemoteCommandFailed,
  isSshAuthRefused,
  isSshConnectionLost,
} from '../errors/index.js';
import type { Address } from '../provider/index.js';
import { connectSsh, type SshConnection } from '../ssh/index.js';
import { Backoff, sleep, stopped } from './backoff.js';
import { isHostKeyAlone, type HostKeyAlone } from './host-key-alone.js';
import { readNonceState } from './nonce-check.js';
import type { AttemptFailure } from './wait-ssh-types.js';

export interface AttemptContext {
  readonly user: string;
  readonly privateKey: string;
  readonly hostKeys: readonly string[];
  readonly nonce: string | HostKeyAlone;
  readonly nonceFile: string;
  /** How long one nonce read waits on the machine for a missing file. */
  readonly nonceWaitMs: number;
  readonly connectTimeoutMs: number;
  /** Keepalive probes on each connection (connectSsh's default when undefined): a server that stops answering is dropped and reconnected. */
  readonly keepaliveIntervalMs: number | undefined;
  readonly probe: Backoff;
  readonly retry: Backoff;
  /** Stops every attempt: a winner was found, the deadline passed, or the caller cancelled. */
  readonly signal: AbortSignal;
  openSocket(address: Address, signal: AbortSignal): Promise<Duplex>;
  onFailure(failure: { address: Address; reason: AttemptFailure; message: string; attempts: number }): void;
  /** Ends the whole wait with this error: no retry on any address can cure it. */
  onFatal(error: Error): void;
  /** Offers a verified connection; false means another address already won (close it). */
  onVerified(connection: SshConnection, address: Address, attempts: number): boolean;
}

/**
 * Keeps trying one address until it wins or the wait stops: a TCP connect (retried
 * quickly while refused), then the SSH handshake with the pinned host key over that
 * socket, then the nonce check, repeated on the same verified connection while the
 * nonce file is not there yet. A connection that is lost on the way (the server closed or
 * reset it, or stopped answering keepalive probes) is dropped and the address tried
 * afresh, so a machine whose SSH server restarts is found as soon as it is back. Anything
 * left open is closed when the wait stops. A nonce this user cannot read ends the whole
 * wait: every address leads to the same machine; so does a host key mismatch when the host
 * key alone proves the machine (`hostKeyAlone`).
 */
export async function attemptAddress(address: Address, context: AttemptContext): Promise<void> {
  const probe = context.probe.fresh();
  const retry = context.retry.fresh();
  let attempts = 0;
  while (!context.signal.aborted) {
    attempts += 1;
    let backoff = retry;
    let connection: SshConnection | undefined;
    try {
      // A refused TCP connect is cheap, so it is retried on the short probe back-off.
      backoff = probe;
      const socket = await context.openSocket(address, context.signal);
      probe.reset();
      backoff = retry;
      connection = await connectSsh({
        host: address.value,
        port: address.port ?? 22,
        user: context.user,
        privateKey: context.privateKey,
        hostKeys: context.hostKeys,
        connectTimeoutMs: context.connectTimeoutMs,
        keepaliveIntervalMs: context.keepaliveIntervalMs,
        sock: socket,
        signal: context.signal,
      });
      if (await nonceArrives(connection, address, attempts, context)) {
        if (context.onVerified(connection, address, attempts)) return;
      }
      connection.close();
      return;
    } catch (error) {
      connection?.close();
      // Only the wait's own stop ends the attempt: anything else, a lost connection included
      // (its server restarted), is retried with a new TCP connect.
      if (stopped(context.signal)) return;
      context.onFailure({ address, reason: reasonOf(error), message: (error as Error).message, attempts });
      // Proven by the host key alone, the machine booted long ago: a key other than the pinned
      // one will not change into it (see `hostKeyAlone`).
      if (isNonceUnreadable(error) || isBootFailed(error) || (isHostKeyAlone(context.nonce) && isHostKeyMismatch(error))) {
        context.onFatal(error as Error);
        return;
      }
      await sleep(backoff.next(), context.signal);
    }
  }
}

/** True once the nonce matches; throws on a wrong nonce; waits while it is absent. */
async function nonceArrives(
  connection: SshConnection,
  address: Address,
  attempts: number,
  context: AttemptContext,
): Promise<boolean> {
  // The handshake has verified the pinned host key: that alone is the proof asked for.
  const { nonce } = context;
  if (isHostKeyAlone(nonce)) return true;
  let reported = false;
  // Its own back-off: the connection's may have grown while sshd was still starting, and
  // each read already waits on the machine, so the pause between reads stays short.
  const poll = new Backoff({ minMs: 25, maxMs: 250 });
  while (!context.signal.aborted) {
    const state = await readNonceState({
      connection,
      nonce,
      nonceFile: context.nonceFile,
      // The first read answers at once, so that "not written yet" is reported promptly.
      waitMs: reported ? context.nonceWaitMs : 0,
      signal: context.signal,
    });
    if (state === 'match') return true;
    if (state === 'mismatch') {
      throw new NonceMismatchError(`${connection.address} answers with another nonce: it is not this machine`, {
        address: connection.address,
      });
    }
    if (!reported) {
      reported = true;
      context.onFailure({ address, reason: 'no-nonce-yet', message: `${connection.address}: cloud-init has not written the nonce yet`, attempts });
    }
    await sleep(poll.next(), context.signal);
  }
  return false;
}

function reasonOf(error: unknown): AttemptFailure {
  if (isHostKeyMismatch(error)) return 'host-key-mismatch';
  if (isSshAuthRefused(error)) return 'auth-refused';
  if (isNonceMismatch(error)) return 'wrong-nonce';
  if (isNonceUnreadable(error)) return 'nonce-unreadable';
  if (isBootFailed(error)) return 'boot-failed';
  if (isRemoteCommandFailed(error)) return 'nonce-read-failed';
  if (isSshConnectionLost(error)) return 'connection-lost';
  return 'unreachable';
}
