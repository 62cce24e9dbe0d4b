/**
 * The base of envboot's error family. Every error that crosses a layer carries a stable
 * `code` (what callers branch on, and what the CLI maps to an exit code), a `cause` (the
 * lower-level error it wraps, never flattened into the message), and a message written
 * for the operator: what failed, on which resource, and what to do next.
 *
 * Classification is by `code`, not by class (see `guards.ts`), so that errors built by
 * layers that cannot import this module (storage/, cloudinit/) or by a second copy of the
 * package still classify correctly.
 */
export const ErrorCode = {
  ConfigInvalid: 'CONFIG_INVALID',
  CredentialsInvalid: 'CREDENTIALS_INVALID',
  ZoneIndependent: 'ZONE_INDEPENDENT',
  RateLimited: 'RATE_LIMITED',
  QuotaExceeded: 'QUOTA_EXCEEDED',
  CapacityUnavailable: 'CAPACITY_UNAVAILABLE',
  NotFound: 'NOT_FOUND',
  PreconditionFailed: 'PRECONDITION_FAILED',
  AlreadyBootstrapped: 'ALREADY_BOOTSTRAPPED',
  NotBootstrapped: 'NOT_BOOTSTRAPPED',
  BootstrapUnfinished: 'BOOTSTRAP_UNFINISHED',
  BootstrapTakenOver: 'BOOTSTRAP_TAKEN_OVER',
  StateCorrupt: 'STATE_CORRUPT',
  SshUnreachable: 'SSH_UNREACHABLE',
  SshAuthRefused: 'SSH_AUTH_REFUSED',
  SshHostKeyMismatch: 'SSH_HOST_KEY_MISMATCH',
  SshNonceMismatch: 'SSH_NONCE_MISMATCH',
  SshNonceUnreadable: 'SSH_NONCE_UNREADABLE',
  SshConnectionLost: 'SSH_CONNECTION_LOST',
  RemoteCommandFailed: 'REMOTE_COMMAND_FAILED',
  InstanceFailed: 'INSTANCE_FAILED',
  BootFailed: 'BOOT_FAILED',
  Timeout: 'TIMEOUT',
  Cancelled: 'CANCELLED',
  /** A clean-up that removed some of what it should have, not all (each failure was reported on its own). */
  CleanupIncomplete: 'CLEANUP_INCOMPLETE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options every envboot error accepts. */
export interface EnvbootErrorOptions {
  /** The lower-level error this one explains. */
  readonly cause?: unknown;
}

/** The common base class; construct one of the specific subclasses instead. */
export class EnvbootError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: EnvbootErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}
