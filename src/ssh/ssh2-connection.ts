import { setMaxListeners } from 'node:events';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { CancelledError, SshConnectionLostError } from '../errors/index.js';
import { runExec, type ExecParams, type ExecResult } from './exec.js';
import type { SshConnection } from './ssh-connection.js';

export interface Ssh2ConnectionParams {
  readonly client: ssh2.Client;
  readonly address: string;
  readonly user: string;
  readonly owned?: readonly SshConnection[];
  /** The keepalive the client was connected with, for the message when it gives up. */
  readonly keepalive?: { readonly intervalMs: number; readonly countMax: number };
}

/**
 * `SshConnection` over an ssh2 client, which it owns (and the jump host's, when it went
 * through one): `close` ends both. An error listener stays attached for the client's
 * whole life, so a late socket error can never crash the process.
 */
export class Ssh2Connection implements SshConnection {
  readonly address: string;
  readonly user: string;
  readonly #client: ssh2.Client;
  readonly #owned: SshConnection[];
  readonly #keepalive: Ssh2ConnectionParams['keepalive'];
  /** Aborted, with the reason as the error, once no command can run on this connection any more. */
  readonly #ended = new AbortController();
  #closedHere = false;
  #lastError: Error | undefined;

  constructor(params: Ssh2ConnectionParams) {
    this.#client = params.client;
    this.address = params.address;
    this.user = params.user;
    this.#owned = [...(params.owned ?? [])];
    this.#keepalive = params.keepalive;
    // Every running command listens for the end; a caller may run many at once.
    setMaxListeners(0, this.#ended.signal);
    this.#client.on('error', (error: Error) => {
      this.#lastError = error;
    });
    // ssh2 emits the client's close before it closes the channels, so commands learn why first.
    this.#client.on('close', () => {
      this.#end(this.#closedHere ? this.#closedError() : this.#lostError());
    });
  }

  get closed(): boolean {
    return this.#ended.signal.aborted;
  }

  exec(params: ExecParams): Promise<ExecResult> {
    return runExec(params, (command, ready) => { this.#channel(command, ready); }, this.#ended.signal);
  }

  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.#ended.signal.aborted) {
        reject(this.#endReason());
        return;
      }
      try {
        this.#client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
          if (error !== undefined) reject(this.#ended.signal.aborted ? this.#endReason() : error);
          else resolve(stream);
        });
      } catch (error) {
        reject(this.#notConnected(error));
      }
    });
  }

  adopt(other: SshConnection): void {
    this.#owned.push(other);
  }

  close(): void {
    this.#closedHere = true;
    this.#end(this.#closedError());
    this.#client.destroy();
    for (const owned of this.#owned) owned.close();
  }

  #end(reason: Error): void {
    if (!this.#ended.signal.aborted) this.#ended.abort(reason);
  }

  /** Why the connection ended; only ever aborted with an error, by `#end`. */
  #endReason(): Error {
    return this.#ended.signal.reason as Error;
  }

  #closedError(): CancelledError {
    return new CancelledError(`the connection to ${this.address} was closed`);
  }

  #lostError(): SshConnectionLostError {
    const cause = this.#lastError;
    const keepalive = this.#keepalive;
    // ssh2's own words when the keepalive count runs out.
    const why = cause?.message === 'Keepalive timeout'
      ? `no answer to ${keepalive === undefined ? 'keepalive probes' : `${keepalive.countMax} keepalive probes ${keepalive.intervalMs / 1000} s apart`}`
      : (cause?.message ?? 'closed by the server');
    return new SshConnectionLostError(
      `${this.address}: SSH connection lost (${why}); the machine's SSH server stopped or restarted, or the network dropped; connect again to check whether what ran on it finished`,
      { address: this.address, ...(cause === undefined ? {} : { cause }) },
    );
  }

  /** What ssh2's "Not connected" means here: the end already seen, or one ssh2 saw before us. */
  #notConnected(error: unknown): Error {
    if (this.#ended.signal.aborted) return this.#endReason();
    const lost = this.#lostError();
    return new SshConnectionLostError(lost.message, { address: this.address, cause: error });
  }

  // The callback, not a promise: ssh2 may deliver the channel, its exit status and its
  // close in one packet batch, before a promise continuation could attach listeners.
  #channel(command: string, ready: (error: Error | undefined, channel?: ClientChannel) => void): void {
    if (this.#ended.signal.aborted) {
      ready(this.#endReason());
      return;
    }
    try {
      this.#client.exec(command, (error, channel) => {
        // A channel refused because the connection ended is the end's doing, not the command's.
        if (error !== undefined && this.#ended.signal.aborted) ready(this.#endReason());
        else ready(error, channel);
      });
    } catch (error) {
      ready(this.#notConnected(error));
    }
  }
}
