import ssh2 from 'ssh2';
import { SshUnreachableError } from '../errors/index.js';

/**
 * The host key a server presents, as `ssh-keyscan` reads it: the handshake is stopped at
 * the key, before any authentication, so nothing is sent but the key exchange. For
 * trust-on-first-use only (`--accept-new-host-key`): the caller pins what it got.
 *
 * @example
 * const key = await scanHostKey({ host: '203.0.113.7', port: 22 }); // 'ssh-ed25519 AAAA…'
 */
export function scanHostKey(params: { host: string; port: number; timeoutMs?: number; signal?: AbortSignal }): Promise<string> {
  const address = `${params.host}:${params.port}`;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let presented: string | undefined;
    const done = (error?: Error): void => {
      params.signal?.removeEventListener('abort', onAbort);
      client.destroy();
      if (presented !== undefined) resolve(presented);
      else reject(error ?? new SshUnreachableError(`${address} closed the connection before presenting a host key`, { address }));
    };
    const onAbort = (): void => { done(new SshUnreachableError(`scanning ${address} cancelled`, { address })); };
    params.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('error', (error: Error) => { done(presented === undefined ? new SshUnreachableError(`${address}: ${error.message}`, { address, cause: error }) : undefined); });
    client.on('close', () => { done(); });
    client.connect({
      host: params.host,
      port: params.port,
      username: 'envboot-keyscan',
      readyTimeout: params.timeoutMs ?? 5_000,
      hostVerifier: (key: Buffer) => {
        const type = key.subarray(4, 4 + key.readUInt32BE(0)).toString('ascii');
        presented = `${type} ${key.toString('base64')}`;
        // Refusing the key ends the handshake here: nothing is authenticated.
        return false;
      },
    });
  });
}
