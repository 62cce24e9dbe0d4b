import { setMaxListeners } from 'node:events';
import {
  CancelledError,
  InstanceFailedError,
  TimeoutError,
} from '../errors/index.js';
import { formatAddress, type Address } from '../provider/index.js';
import { connectSsh, type SshConnection } from '../ssh/index.js';
import { attemptAddress, type AttemptContext } from './address-attempt.js';
import { Backoff, sleep, stopped } from './backoff.js';
import { defaultNonceFile } from './nonce-check.js';
import { openTcp } from './open-socket.js';
import type { AttemptFailure, WaitSshParams, WaitSshResult } from './wait-ssh-types.js';

interface LastFailure {
  reason: AttemptFailure;
  message: string;
  attempts: number;
}

/**
 * Waits until the instance is reachable over SSH *and* proven to be the right machine:
 * its host key is one of `hostKeys` and its nonce file holds `nonce` (with `nonce:
 * hostKeyAlone`, the host key alone: see `hostKeyAlone`). Every address the
 * instance reports is tried in parallel as soon as it appears; the first verified
 * connection wins and every other attempt and socket is closed at once.
 *
 * Fails with `SSH_NONCE_UNREADABLE` at once when the machine is reached but its nonce
 * cannot be read as `user` (no passwordless sudo, a refused login): waiting cannot cure it;
 * with `hostKeyAlone`, with `SSH_HOST_KEY_MISMATCH` at once when it presents another key.
 * Fails with `INSTANCE_FAILED` when the provider says the instance failed or is gone,
 * `TIMEOUT` (listing the last reason per address, or that no address ever appeared),
 * or `CANCELLED`.
 *
 * @example
 * const { connection } = await waitSSH({ instance, user: 'ubuntu', privateKey, hostKeys: [hostKey], nonce, signal });
 */
export async function waitSSH(params: WaitSshParams): Promise<WaitSshResult> {
  const started = Date.now();
  const tunables = params.tunables ?? {};
  const stop = new AbortController();
  // Every attempt on every address listens on this one signal; dozens are expected.
  setMaxListeners(0, stop.signal);
  const failures = new Map<string, LastFailure>();
  const attempts = new Set<string>();
  let winner: WaitSshResult | undefined;
  let settle: { resolve: (r: WaitSshResult) => void; reject: (e: Error) => void } | undefined;
  const outcome = new Promise<WaitSshResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const finish = (error?: Error): void => {
    if (stop.signal.aborted) return;
    stop.abort();
    if (error !== undefined) settle?.reject(error);
    else if (winner !== undefined) settle?.resolve(winner);
  };

  const onCancel = (): void => {
    finish(new CancelledError(`waiting for SSH on ${params.instance.id} cancelled`, { cause: params.signal?.reason }));
  };
  if (params.signal?.aborted === true) onCancel();
  params.signal?.addEventListener('abort', onCancel, { once: true });
  const timeoutMs = params.timeoutMs ?? 10 * 60_000;
  const timer = setTimeout(() => {
    finish(timeoutError(params.instance.id, timeoutMs, failures, attempts.size));
  }, timeoutMs);

  const jump = params.jumpHost === undefined ? undefined : lazyJump(params, stop.signal);
  const context: AttemptContext = {
    user: params.user,
    privateKey: params.privateKey,
    hostKeys: params.hostKeys,
    nonce: params.nonce,
    nonceFile: tunables.nonceFile ?? defaultNonceFile,
    nonceWaitMs: tunables.nonceWaitMs ?? 2_000,
    connectTimeoutMs: tunables.connectTimeoutMs ?? 3_000,
    keepaliveIntervalMs: tunables.keepaliveIntervalMs,
    probe: new Backoff({ minMs: tunables.probeMinMs ?? 20, maxMs: tunables.probeMaxMs ?? 100 }),
    retry: new Backoff({ minMs: tunables.retryMinMs ?? 25, maxMs: tunables.retryMaxMs ?? 1_000 }),
    signal: stop.signal,
    openSocket: async (address, signal) =>
      jump === undefined
        ? openTcp(address, { timeoutMs: tunables.connectTimeoutMs ?? 3_000, signal })
        : (await jump.get()).forwardOut(address.value, address.port ?? 22),
    onFailure: ({ address, reason, message, attempts: count }) => {
      const key = formatAddress(address);
      const previous = failures.get(key);
      failures.set(key, { reason, message, attempts: count });
      if (previous?.reason !== reason) {
        params.onEvent?.({ type: 'wait-ssh.attempt-failed', address: key, reason, message, attempts: count });
      }
    },
    onFatal: (error) => {
      finish(error);
    },
    onVerified: (connection, address, count) => {
      if (stop.signal.aborted) return false;
      const elapsedMs = Date.now() - started;
      const through = jump?.connection();
      if (through !== undefined) connection.adopt(through);
      winner = { connection, address, elapsedMs, attempts: count };
      params.onEvent?.({ type: 'wait-ssh.connected', address: formatAddress(address), elapsedMs, attempts: count });
      finish();
      return true;
    },
  };

  const startAttempt = (address: Address): void => {
    const key = formatAddress(address);
    if (attempts.has(key) || address.scope === 'link-local') return;
    attempts.add(key);
    params.onEvent?.({ type: 'wait-ssh.address-added', address: key, scope: address.scope });
    void attemptAddress(address, context);
  };

  void refreshLoop(params, stop.signal, startAttempt, finish, () => attempts.size, started);
  try {
    return await outcome;
  } finally {
    clearTimeout(timer);
    params.signal?.removeEventListener('abort', onCancel);
    if (winner === undefined) jump?.connection()?.close();
  }
}

async function refreshLoop(
  params: WaitSshParams,
  signal: AbortSignal,
  startAttempt: (address: Address) => void,
  finish: (error?: Error) => void,
  addressCount: () => number,
  started: number,
): Promise<void> {
  const pause = new Backoff({ minMs: params.tunables?.refreshMinMs ?? 250, maxMs: params.tunables?.refreshMaxMs ?? 2_000 });
  while (!signal.aborted) {
    try {
      const view = await params.instance.refresh({ signal });
      if (stopped(signal)) return;
      params.onEvent?.({ type: 'wait-ssh.refreshed', status: view.status, addresses: view.addresses.map(formatAddress) });
      if (view.status === 'failed' || view.status === 'terminated') {
        const why = view.statusMessage === undefined ? '' : `: ${view.statusMessage}`;
        finish(new InstanceFailedError(`instance ${params.instance.id} is ${view.status}${why}; it will not come up`, { instanceId: params.instance.id }));
        return;
      }
      view.addresses.forEach(startAttempt);
      if (addressCount() === 0) params.onEvent?.({ type: 'wait-ssh.no-address', elapsedMs: Date.now() - started });
    } catch (error) {
      if (stopped(signal)) return;
      params.onEvent?.({ type: 'wait-ssh.refresh-failed', message: (error as Error).message });
    }
    await sleep(pause.next(), signal);
  }
}

function timeoutError(id: string, timeoutMs: number, failures: ReadonlyMap<string, LastFailure>, addresses: number): TimeoutError {
  const seconds = Math.round(timeoutMs / 1000);
  if (addresses === 0) {
    return new TimeoutError(`timed out after ${seconds} s waiting for SSH on instance ${id}: it never reported an address`);
  }
  const lines = [...failures].map(([address, f]) => `  - ${address}: ${f.reason}: ${f.message} (${f.attempts} attempts)`);
  return new TimeoutError(
    `timed out after ${seconds} s waiting for SSH on instance ${id}; last result per address:\n${lines.join('\n')}`,
  );
}

/**
 * The jump host connection, opened on first use and shared by every attempt; opened
 * again when it was lost (the attempts through it fail, and retry through the new one).
 */
function lazyJump(params: WaitSshParams, signal: AbortSignal): { get(): Promise<SshConnection>; connection(): SshConnection | undefined } {
  let pending: Promise<SshConnection> | undefined;
  let opened: SshConnection | undefined;
  return {
    get: () => {
      if (opened?.closed === true && !signal.aborted) {
        pending = undefined;
        opened = undefined;
      }
      const target = params.jumpHost as NonNullable<WaitSshParams['jumpHost']>;
      pending ??= connectSsh({ ...target, keepaliveIntervalMs: params.tunables?.keepaliveIntervalMs, signal }).then((c) => (opened = c));
      return pending.catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    },
    connection: () => opened,
  };
}
