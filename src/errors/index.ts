export { EnvbootError, ErrorCode, type EnvbootErrorOptions } from './envboot-error.js';
export { ConfigError, formatProblem, type ConfigErrorOptions, type Problem } from './config-error.js';
export {
  CapacityError,
  CredentialsError,
  QuotaExceededError,
  RateLimitedError,
  ZoneIndependentError,
  type CapacityErrorOptions,
  type CapacityScope,
  type RateLimitedErrorOptions,
} from './cloud-errors.js';
export {
  AlreadyBootstrappedError,
  BootstrapTakenOverError,
  BootstrapUnfinishedError,
  InstanceFailedError,
  BootFailedError,
  NotBootstrappedError,
  NotFoundError,
  PreconditionFailedError,
  StateCorruptError,
  type StateCorruptErrorOptions,
} from './state-errors.js';
export {
  HostKeyMismatchError,
  NonceMismatchError,
  NonceUnreadableError,
  type NonceUnreadableErrorOptions,
  type NonceUnreadableReason,
  RemoteCommandError,
  SshAuthRefusedError,
  SshConnectionLostError,
  SshUnreachableError,
  type RemoteCommandErrorOptions,
  type SshErrorOptions,
} from './ssh-errors.js';
export { CancelledError, TimeoutError, throwIfCancelled } from './flow-errors.js';
export * from './guards.js';
export { ExitCode, exitCodeFor } from './exit-codes.js';
export { asError, messageOf } from './as-error.js';
export { consoleOf, withConsole, type ConsoleExcerpt } from './console-excerpt.js';
