import { EnvbootError, ErrorCode, type EnvbootErrorOptions } from './envboot-error.js';

/** One problem found while validating input: where it is, and what is wrong with it. */
export interface Problem {
  /** A dotted path into the input, e.g. `environments.prod.region`; empty for the whole input. */
  readonly path: string;
  /** What is wrong and, where it helps, what would be accepted. */
  readonly message: string;
}

export interface ConfigErrorOptions extends EnvbootErrorOptions {
  /** Every problem found, so that the operator can fix them all in one pass. */
  readonly problems?: readonly Problem[];
}

/**
 * Bad input: a malformed config, flag, constraint or cloud-config. Never retried; the CLI
 * exits with code 2 and nothing has been created.
 */
export class ConfigError extends EnvbootError {
  readonly problems: readonly Problem[];

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(ErrorCode.ConfigInvalid, withProblems(message, options.problems ?? []), options);
    this.problems = options.problems ?? [];
  }
}

/** Formats one problem as `path: message`. */
export function formatProblem(problem: Problem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

function withProblems(message: string, problems: readonly Problem[]): string {
  if (problems.length === 0) return message;
  return [message, ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n');
}
