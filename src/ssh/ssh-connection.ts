import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { CancelledError } from '../errors/index.js';
import { runExec, type ExecParams, type ExecResult } from './exec.js';

/**
 * An open, host-key-verified SSH connection. Owns its ssh2 client (and the jump host's,
 * when it went through one): `close` ends both. An error listener stays attached for the
 * client's whole life, so a late socket error can never crash the process.
 */
export class SshConnection {
  readonly address: string;
  readonly user: string;
  readonly #client: ssh2.Client;
  readonly #owned: SshConnection[];
  #closed = false;

  constructor(params: { client: ssh2.Client; address: string; user: string; owned?: readonly SshConnection[] }) {
    this.#client = params.client;
    this.address = params.address;
    this.user = params.user;
    this.#owned = [...(params.owned ?? [])];
    this.#client.on('close', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs a command; see `ExecParams`. */
  exec(params: ExecParams): Promise<ExecResult> {
    return runExec(params, (command, ready) => { this.#channel(command, ready); });
  }

  /** Opens a TCP stream to `host:port` as seen from this machine (for jump hosts). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.#client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
        if (error !== undefined) reject(error);
        else resolve(stream);
      });
    });
  }

  /** Takes ownership of another connection (the jump host this one runs through): closed with this one. */
  adopt(other: SshConnection): void {
    this.#owned.push(other);
  }

  /** Closes the connection at once (and any jump host it went through). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#client.destroy();
    for (const owned of this.#owned) owned.close();
  }

  // The callback, not a promise: ssh2 may deliver the channel, its exit status and its
  // close in one packet batch, before a promise continuation could attach listeners.
  #channel(command: string, ready: (error: Error | undefined, channel?: ClientChannel) => void): void {
    if (this.#closed) {
      ready(new CancelledError(`connection to ${this.address} is closed`));
      return;
    }
    this.#client.exec(command, (error, channel) => {
      ready(error, channel);
    });
  }
}
