import net from 'node:net';
import type { Duplex } from 'node:stream';
import { CancelledError, SshUnreachableError } from '../errors/index.js';
import type { Address } from '../provider/index.js';
import { formatAddress } from '../provider/index.js';

/**
 * A TCP connection to an address: the cheap first half of an attempt. A refused
 * connection costs nothing, so it can be retried every few tens of milliseconds; the
 * SSH handshake then runs over this same socket.
 */
export function openTcp(address: Address, params: { timeoutMs: number; signal: AbortSignal }): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const where = formatAddress(address);
    const socket = net.connect({ host: address.value, port: address.port ?? 22, timeout: params.timeoutMs });
    const fail = (error: Error): void => {
      params.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => {
      fail(new CancelledError(`connecting to ${where} cancelled`));
    };
    params.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      params.signal.removeEventListener('abort', onAbort);
      socket.setTimeout(0);
      socket.setNoDelay(true);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('timeout', () => {
      fail(new SshUnreachableError(`${where}: no answer within ${params.timeoutMs} ms`, { address: where }));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message);
      fail(new SshUnreachableError(`${where}: ${reason}`, { address: where, cause: error }));
    });
  });
}
