import ssh2 from 'ssh2';
import type { Duplex, Readable } from 'node:stream';
import { CancelledError, HostKeyMismatchError, SshAuthRefusedError, SshUnreachableError } from '../errors/index.js';
import { fingerprint, publicKeyBlob } from './keys.js';
import type { SshConnection } from './ssh-connection.js';
import { Ssh2Connection } from './ssh2-connection.js';
import type { SshTarget } from './ssh-target.js';

const defaultKeepaliveMs = 5_000;
const keepaliveCountMax = 3;

export interface ConnectSshParams extends SshTarget {
  /** Time for TCP connect plus the SSH handshake and authentication. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /**
   * How often the connection is probed (whether idle or busy); when three probes in a row
   * go unanswered it is closed, and commands running on it fail with
   * `SSH_CONNECTION_LOST`: a server that stops answering is noticed within about four
   * intervals. Default 5 s.
   */
  readonly keepaliveIntervalMs?: number | undefined;
  /** Reach the target through this machine (ProxyJump), for private addresses. */
  readonly jumpHost?: SshTarget;
  /** An already connected stream to the target (a probed socket, or a forwarded channel). */
  readonly sock?: Duplex;
  readonly signal?: AbortSignal;
}

/**
 * Opens an SSH connection that is refused unless the server presents one of
 * `hostKeys`. Fails with `SSH_HOST_KEY_MISMATCH`, `SSH_AUTH_REFUSED`, `SSH_UNREACHABLE`
 * (refused, timed out, reset, closed, no route) or `CANCELLED`. Once open, a connection
 * that is lost fails its commands with `SSH_CONNECTION_LOST` (see `SshConnection`).
 *
 * @example
 * const connection = await connectSsh({ host: '203.0.113.7', user: 'ubuntu', privateKey, hostKeys: [hostPublicKey] });
 * const { exitCode, stdout } = await connection.exec({ command: 'uname -a' });
 * connection.close();
 */
export async function connectSsh(params: ConnectSshParams): Promise<SshConnection> {
  const address = `${params.user}@${params.host.includes(':') ? `[${params.host}]` : params.host}:${params.port ?? 22}`;
  if (params.signal?.aborted === true) throw new CancelledError(`connecting to ${address} cancelled`);
  const jump =
    params.jumpHost === undefined || params.sock !== undefined ? undefined : await connectSsh({ ...params.jumpHost, ...optional(params) });
  try {
    const sock = jump === undefined ? params.sock : await jump.forwardOut(params.host, params.port ?? 22);
    const client = await handshake(params, address, sock);
    const keepalive = { intervalMs: params.keepaliveIntervalMs ?? defaultKeepaliveMs, countMax: keepaliveCountMax };
    return new Ssh2Connection({ client, address, user: params.user, owned: jump === undefined ? [] : [jump], keepalive });
  } catch (error) {
    jump?.close();
    throw error;
  }
}

function handshake(params: ConnectSshParams, address: string, sock: Readable | undefined): Promise<ssh2.Client> {
  const expected = params.hostKeys.map(publicKeyBlob);
  const client = new ssh2.Client();
  let presented: Buffer | undefined;
  let accepted = false;
  // Stays for the client's whole life: ssh2 emits socket errors after `ready` too.
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      params.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(client);
      } else {
        client.destroy();
        reject(error);
      }
    };
    const onAbort = (): void => {
      settle(new CancelledError(`connecting to ${address} cancelled`, { cause: params.signal?.reason }));
    };
    params.signal?.addEventListener('abort', onAbort, { once: true });
    // SSH is request/response: Nagle's algorithm would add a delayed-ACK wait to every exchange.
    client.once('connect', () => {
      client.setNoDelay(true);
    });
    client.once('ready', () => {
      settle();
    });
    client.on('error', (error: Error & { level?: string }) => {
      settle(classify(error, { address, presented, accepted, expected }));
    });
    client.once('close', () => {
      settle(new SshUnreachableError(`${address}: connection closed during the SSH handshake`, { address }));
    });
    client.connect({
      host: params.host,
      port: params.port ?? 22,
      username: params.user,
      privateKey: params.privateKey,
      readyTimeout: params.connectTimeoutMs ?? 5_000,
      keepaliveInterval: params.keepaliveIntervalMs ?? defaultKeepaliveMs,
      keepaliveCountMax,
      ...(sock === undefined ? {} : { sock }),
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        presented = key;
        accepted = expected.some((blob) => blob.equals(key));
        verify(accepted);
      },
    });
  });
}

function classify(
  error: Error & { level?: string; code?: unknown },
  context: { address: string; presented: Buffer | undefined; accepted: boolean; expected: readonly Buffer[] },
): Error {
  const { address } = context;
  if (context.presented !== undefined && !context.accepted) {
    return new HostKeyMismatchError(
      `${address} presented host key ${fingerprint(context.presented)}, not the pinned ` +
        `${context.expected.map(fingerprint).join(' or ')}: this is not the expected machine (or someone is in the middle); refusing it`,
      { address, cause: error },
    );
  }
  if (error.level === 'client-authentication') {
    const user = address.slice(0, address.lastIndexOf('@'));
    return new SshAuthRefusedError(
      `${address} refused the client key for ${user}; check that ${user} is the image's default user (the provider's SSH user: ubuntu, debian, ec2-user…) and that the machine got the environment's public key`,
      {
        address,
        cause: error,
      },
    );
  }
  const reason = error.level === 'client-timeout' ? 'timed out waiting for the SSH handshake' : error.message;
  return new SshUnreachableError(`${address}: ${reason}`, { address, cause: error });
}

function optional(params: ConnectSshParams): Partial<ConnectSshParams> {
  return {
    ...(params.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: params.connectTimeoutMs }),
    keepaliveIntervalMs: params.keepaliveIntervalMs,
    ...(params.signal === undefined ? {} : { signal: params.signal }),
  };
}
