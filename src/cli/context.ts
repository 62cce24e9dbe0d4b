import type { Logger } from '../logging/index.js';
import type { ProviderRegistry } from '../provider/index.js';
import type { FlowEvent, FlowEventSink } from '../provision/events.js';
import type { EnvbootPaths } from './config/paths.js';
import type { Reporter } from './output/reporter.js';

/** The process's streams and environment, passed in so commands never reach for globals. */
export interface CliIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  readonly process: NodeJS.Process;
}

/** Options every command accepts. */
export interface GlobalOptions {
  /** The environments file, instead of the default one. */
  readonly config?: string;
  /** Debug log on stderr (the live display turns into plain lines). */
  readonly debug?: boolean;
  /** Append the debug log to this file (created 0600). */
  readonly logFile?: string;
}

/** What a command runs with: where files are, which providers exist, where output goes, when to stop. */
export interface CommandContext {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  readonly paths: EnvbootPaths;
  /** The built-in providers and the third-party ones environments.yaml names (see `cliProviderRegistry`). */
  readonly providers: ProviderRegistry;
  readonly reporter: Reporter;
  /** Aborted by the first interrupt. */
  readonly signal: AbortSignal;
  /** Aborted by the second interrupt: stop cleaning up. */
  readonly cleanupSignal: AbortSignal;
  /** Present with `--debug` or `--log-file`. */
  readonly logger: Logger | undefined;
}

/** The event sink a command gives the library: the display, and the debug log. */
export function eventSink(context: CommandContext): FlowEventSink {
  return (event: FlowEvent) => {
    context.logger?.debug(event.type, { event });
    context.reporter.event(event);
  };
}
