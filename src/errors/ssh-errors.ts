import { EnvbootError, ErrorCode, type EnvbootErrorOptions } from './envboot-error.js';

/** Where an SSH error happened: the address tried, as `host:port`. */
export interface SshErrorOptions extends EnvbootErrorOptions {
  readonly address?: string;
}

abstract class SshError extends EnvbootError {
  readonly address: string | undefined;

  constructor(code: ErrorCode, message: string, options: SshErrorOptions) {
    super(code, message, options);
    this.address = options.address;
  }
}

/** No SSH handshake completed: refused, timed out, reset, or no route. */
export class SshUnreachableError extends SshError {
  constructor(message: string, options: SshErrorOptions = {}) {
    super(ErrorCode.SshUnreachable, message, options);
  }
}

/**
 * An established SSH connection went away under a command: the server closed or reset it
 * (its process died or restarted), or stopped answering keepalive probes. Whatever ran on
 * it may or may not have finished; a new connection may well succeed (waitSSH makes one).
 */
export class SshConnectionLostError extends SshError {
  constructor(message: string, options: SshErrorOptions = {}) {
    super(ErrorCode.SshConnectionLost, message, options);
  }
}

/** The server refused the client key. */
export class SshAuthRefusedError extends SshError {
  constructor(message: string, options: SshErrorOptions = {}) {
    super(ErrorCode.SshAuthRefused, message, options);
  }
}

/** The server presented a host key other than the pinned ones: not our machine, or a man in the middle. */
export class HostKeyMismatchError extends SshError {
  constructor(message: string, options: SshErrorOptions = {}) {
    super(ErrorCode.SshHostKeyMismatch, message, options);
  }
}

/** The machine answered with another nonce, or none yet: not our machine, or not booted. */
export class NonceMismatchError extends SshError {
  constructor(message: string, options: SshErrorOptions = {}) {
    super(ErrorCode.SshNonceMismatch, message, options);
  }
}

/** Why a machine's nonce could not be read; none of them means "another machine". */
export type NonceUnreadableReason = 'no-sudo' | 'sudo-refused' | 'login-refused' | 'read-failed';

export interface NonceUnreadableErrorOptions extends SshErrorOptions {
  readonly reason: NonceUnreadableReason;
  /** The user logged in as. */
  readonly user: string;
  /** The nonce file on the machine. */
  readonly file: string;
  /** The user the machine asks for, when it refused this one (cloud-init's "Please login as …"). */
  readonly suggestedUser?: string;
}

/**
 * The machine was reached and its host key verified, but the nonce cannot be read as this
 * user: not readable and no (passwordless) sudo, or the login is refused by a forced
 * command. Retrying cannot help, so waitSSH stops at once.
 */
export class NonceUnreadableError extends SshError {
  readonly reason: NonceUnreadableReason;
  readonly user: string;
  readonly file: string;
  readonly suggestedUser: string | undefined;

  constructor(message: string, options: NonceUnreadableErrorOptions) {
    super(ErrorCode.SshNonceUnreadable, message, options);
    this.reason = options.reason;
    this.user = options.user;
    this.file = options.file;
    this.suggestedUser = options.suggestedUser;
  }
}

export interface RemoteCommandErrorOptions extends SshErrorOptions {
  /** The command's exit status, or undefined when it was killed by a signal. */
  readonly exitCode?: number;
  readonly exitSignal?: string;
  /** The last lines of its output, for the operator. */
  readonly outputTail?: readonly string[];
}

/** A command on the machine ran and failed (non-zero exit, killed, or no exit status). */
export class RemoteCommandError extends SshError {
  readonly exitCode: number | undefined;
  readonly exitSignal: string | undefined;
  readonly outputTail: readonly string[];

  constructor(message: string, options: RemoteCommandErrorOptions = {}) {
    super(ErrorCode.RemoteCommandFailed, message, options);
    this.exitCode = options.exitCode;
    this.exitSignal = options.exitSignal;
    this.outputTail = options.outputTail ?? [];
  }
}
