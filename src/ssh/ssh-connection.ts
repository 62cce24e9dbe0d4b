import type { Duplex } from 'node:stream';
import type { ExecParams, ExecResult } from './exec.js';

/**
 * An open, host-key-verified SSH connection (`connectSsh` makes them). When it goes away
 * without `close` (the server closed or reset it, or it stopped answering keepalive
 * probes), every command still running on it rejects with `SSH_CONNECTION_LOST`, and so
 * does every later `exec` or `forwardOut`.
 */
export interface SshConnection {
  /** `user@host:port`, for messages. */
  readonly address: string;
  readonly user: string;
  /** True once no command can run on it any more (closed here, or lost). */
  readonly closed: boolean;
  /** Runs a command; see `ExecParams`. */
  exec(params: ExecParams): Promise<ExecResult>;
  /** Opens a TCP stream to `host:port` as seen from this machine (for jump hosts). */
  forwardOut(host: string, port: number): Promise<Duplex>;
  /** Takes ownership of another connection (the jump host this one runs through): closed with this one. */
  adopt(other: SshConnection): void;
  /** Closes the connection at once (and any jump host it went through); running commands reject with `CANCELLED`. Idempotent. */
  close(): void;
}
