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
