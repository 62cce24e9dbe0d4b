import { palette, useColor } from './color.js';
import { JsonReporter } from './json-reporter.js';
import { PlainReporter } from './plain-reporter.js';
import type { Reporter } from './reporter.js';
import { TtyReporter } from './tty-reporter.js';

export interface CreateReporterParams {
  readonly command: string;
  readonly json: boolean;
  readonly debug: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The display for one command: NDJSON on stdout with `--json`; a live step list when
 * stderr is a terminal (and `TERM` is not `dumb`); plain lines otherwise. Colour follows
 * each stream (`NO_COLOR`, `FORCE_COLOR`).
 */
export function createReporter(params: CreateReporterParams): Reporter {
  if (params.json) return new JsonReporter({ out: params.stdout, command: params.command });
  const streams = {
    out: params.stdout,
    err: params.stderr,
    palette: palette(useColor(params.stderr, params.env)),
    debug: params.debug,
  };
  // With --debug, log lines share stderr with progress: a live display would garble them.
  if (params.stderr.isTTY && params.env['TERM'] !== 'dumb' && !params.debug) {
    return new TtyReporter({ ...streams, columns: () => params.stderr.columns || 80 });
  }
  return new PlainReporter(streams);
}
