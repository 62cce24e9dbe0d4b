import type { Address, InstanceStatus } from '../provider/index.js';
import type { SshConnection } from '../ssh/index.js';
import type { SshTarget } from '../ssh/index.js';
import type { HostKeyAlone } from './host-key-alone.js';

/** The machine being waited for: asked again and again for its status and addresses. */
export interface RefreshableInstance {
  readonly id: string;
  refresh(params: { readonly signal?: AbortSignal }): Promise<InstanceView>;
}

export interface InstanceView {
  readonly status: InstanceStatus;
  readonly addresses: readonly Address[];
  readonly statusMessage?: string;
}

/** Why the last attempt on one address did not win. */
export type AttemptFailure =
  | 'unreachable'
  | 'auth-refused'
  | 'host-key-mismatch'
  | 'wrong-nonce'
  | 'nonce-unreadable'
  | 'nonce-read-failed'
  | 'no-nonce-yet'
  | 'connection-lost'
  | 'boot-failed';

/** Progress of a wait, for the CLI's step display and for logs. */
export type WaitSshEvent =
  | { readonly type: 'wait-ssh.refreshed'; readonly status: InstanceStatus; readonly addresses: readonly string[] }
  | { readonly type: 'wait-ssh.no-address'; readonly elapsedMs: number }
  | { readonly type: 'wait-ssh.address-added'; readonly address: string; readonly scope: Address['scope'] }
  | {
      readonly type: 'wait-ssh.attempt-failed';
      readonly address: string;
      readonly reason: AttemptFailure;
      readonly message: string;
      readonly attempts: number;
    }
  | { readonly type: 'wait-ssh.refresh-failed'; readonly message: string }
  | { readonly type: 'wait-ssh.connected'; readonly address: string; readonly elapsedMs: number; readonly attempts: number };

/** Timing knobs; the defaults suit clouds and loopback alike. */
export interface WaitSshTunables {
  /** TCP connect plus SSH handshake, per attempt. Default 3,000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Keepalive probes on every connection (and the jump host's); the winner keeps them, for
   * `configureMachine`. After three unanswered ones the connection is dropped and the
   * address tried afresh, so a server that stops answering without closing is noticed
   * within about four intervals; one that dies or restarts is noticed at once. Default
   * 5,000 ms (`connectSsh`'s): shorter risks dropping a busy machine's slow answer.
   */
  readonly keepaliveIntervalMs?: number;
  /** First and longest pause between instance refreshes. Default 250 ms growing to 2,000 ms. */
  readonly refreshMinMs?: number;
  readonly refreshMaxMs?: number;
  /** Pause after a refused or reset connection (cheap to retry). Default 20 ms growing to 100 ms. */
  readonly probeMinMs?: number;
  readonly probeMaxMs?: number;
  /** Pause after an SSH-level failure (auth, host key, nonce). Default 25 ms growing to 1,000 ms. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /**
   * How long one nonce read waits on the machine (checking every 100 ms) while the file is
   * missing, before it answers "not yet" and is asked again. Default 2,000 ms.
   */
  readonly nonceWaitMs?: number;
  /** The nonce file; `${ENVBOOT_ROOT}` is prefixed on the machine when set (tests). */
  readonly nonceFile?: string;
}

export interface WaitSshParams {
  readonly instance: RefreshableInstance;
  readonly user: string;
  readonly privateKey: string;
  /** The machine's host public keys (from its user-data); nothing else is accepted. */
  readonly hostKeys: readonly string[];
  /**
   * The random nonce this machine's user-data carries; `hostKeyAlone` when the pinned
   * host key alone proves the machine and no nonce is read (see `hostKeyAlone`).
   */
  readonly nonce: string | HostKeyAlone;
  /** The whole wait's limit. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Reach private addresses through this machine. */
  readonly jumpHost?: SshTarget;
  readonly onEvent?: (event: WaitSshEvent) => void;
  readonly tunables?: WaitSshTunables;
  readonly signal?: AbortSignal;
}

export interface WaitSshResult {
  /** Open and verified; the caller owns it and must close it. */
  readonly connection: SshConnection;
  readonly address: Address;
  readonly elapsedMs: number;
  /** Attempts made on all addresses together. */
  readonly attempts: number;
}
