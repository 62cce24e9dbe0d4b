/** One step of the configure script: a name for progress and errors, and its commands. */
export interface Step {
  /** e.g. `write_files[2] /etc/app.conf`; shown to the operator, so never a secret. */
  readonly name: string;
  /** Shell lines run in a `set -e` subshell. */
  readonly lines: readonly string[];
}
