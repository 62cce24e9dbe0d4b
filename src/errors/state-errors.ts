import { EnvbootError, ErrorCode, type EnvbootErrorOptions } from './envboot-error.js';

/** The named resource (object, instance, environment, provider) does not exist. */
export class NotFoundError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.NotFound, message, options);
  }
}

/**
 * A conditional write lost the race: the object changed (or appeared) since it was read.
 * Re-read and retry; provider-state updates do this on their own.
 */
export class PreconditionFailedError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.PreconditionFailed, message, options);
  }
}

/** The environment already has provider-state: another bootstrap claimed it first. */
export class AlreadyBootstrappedError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.AlreadyBootstrapped, message, options);
  }
}

/**
 * The environment's bootstrap did not finish (killed, interrupted, or failed and kept):
 * it is neither usable nor free to bootstrap again. `bootstrap --resume` goes on with it,
 * `destroy` removes it.
 */
export class BootstrapUnfinishedError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.BootstrapUnfinished, message, options);
  }
}

/**
 * Another run (`bootstrap --resume`) took the bootstrap over while this one ran: this run
 * records, completes and undoes nothing more, and leaves the environment to it.
 */
export class BootstrapTakenOverError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.BootstrapTakenOver, message, options);
  }
}

/** The environment has no provider-state: it was never bootstrapped, or was destroyed. */
export class NotBootstrappedError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.NotBootstrapped, message, options);
  }
}

export interface StateCorruptErrorOptions extends EnvbootErrorOptions {
  /** What is wrong with the object, in a few words that quote none of its raw bytes (`it is empty`). */
  readonly problem?: string;
}

/**
 * provider-state exists but cannot be read (empty, not text, bad YAML, wrong shape).
 * Updates refuse to overwrite it, so that nothing it records is lost; `destroy` removes
 * the environment by its ownership tag all the same, and the object last.
 */
export class StateCorruptError extends EnvbootError {
  /** What is wrong, as `StateCorruptErrorOptions.problem` says; absent when only the message says it. */
  readonly problem: string | undefined;

  constructor(message: string, options: StateCorruptErrorOptions = {}) {
    super(ErrorCode.StateCorrupt, message, options);
    this.problem = options.problem;
  }
}

/**
 * The machine's own boot gave up: cloud-init finished without writing the nonce. The
 * message carries cloud-init's verdict and the last lines of its output log.
 */
export class BootFailedError extends EnvbootError {
  readonly address: string;

  constructor(message: string, options: EnvbootErrorOptions & { address: string }) {
    super(ErrorCode.BootFailed, message, options);
    this.address = options.address;
  }
}

/** The provider reports the instance failed or was terminated: it will never answer. */
export class InstanceFailedError extends EnvbootError {
  readonly instanceId: string;

  constructor(message: string, options: EnvbootErrorOptions & { instanceId: string }) {
    super(ErrorCode.InstanceFailed, message, options);
    this.instanceId = options.instanceId;
  }
}
