/** One problem in a cloud-config: where (`write_files[2].permissions`) and what. */
export interface CloudConfigProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A cloud-config that cannot be rendered: invalid fields, or user-data over the
 * provider's size limit. Bad input, so it carries the same `CONFIG_INVALID` code as
 * envboot's configuration errors (the CLI exits with code 2) and lists every problem.
 * cloudinit/ stands alone, so the code string is shared rather than the class.
 */
export class CloudConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly CloudConfigProblem[];

  constructor(message: string, options: { problems?: readonly CloudConfigProblem[]; cause?: unknown } = {}) {
    const problems = options.problems ?? [];
    const lines = problems.map((p) => `  - ${p.path === '' ? '' : `${p.path}: `}${p.message}`);
    super([message, ...lines].join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CloudConfigError';
    this.problems = problems;
  }
}
