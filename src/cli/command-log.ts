import type { Logger } from '../logging/index.js';
import { formatDuration } from '../util/duration.js';
import type { GlobalOptions } from './context.js';

/**
 * The debug log's frame around one command: what ran, in which process, with which
 * environments file, and how it ended. Every command gets it, whatever it does in
 * between, so `--debug` and `--log-file` never come back empty. The command's arguments
 * are left out: an `exec` command line or a `--cloud-config` value may carry a secret
 * the redactor cannot recognise.
 */
export interface CommandLog {
  /** Records how the command ended: its exit code and how long it ran. */
  finished(exitCode: number): void;
}

export interface StartCommandLogParams {
  readonly logger: Logger | undefined;
  readonly name: string;
  readonly globals: GlobalOptions;
  /** The environments file the command reads. */
  readonly configFile: string;
  readonly pid: number;
}

/** Logs that the command started and returns the record of its end. */
export function startCommandLog(params: StartCommandLogParams): CommandLog {
  const started = performance.now();
  const { logger, name } = params;
  logger?.debug(`envboot ${name} started`, {
    command: name,
    pid: params.pid,
    node: process.version,
    config: params.configFile,
    ...(params.globals.logFile === undefined ? {} : { logFile: params.globals.logFile }),
  });
  return {
    finished: (exitCode) => {
      logger?.debug(`envboot ${name} finished: exit code ${exitCode} after ${formatDuration(performance.now() - started)}`, { command: name, exitCode });
    },
  };
}
