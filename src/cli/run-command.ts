import type { Logger } from 'winston';
import { exitCodeFor } from '../errors/index.js';
import type { CommandResult } from './command-result.js';
import { resolvePaths } from './config/paths.js';
import type { CliIo, CommandContext, GlobalOptions } from './context.js';
import { watchInterrupts } from './interrupts.js';
import { createReporter } from './output/create-reporter.js';
import { ProviderCatalogue } from './provider-catalogue.js';

export interface RunCommandParams {
  readonly name: string;
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  readonly json: boolean;
  readonly action: (context: CommandContext) => Promise<CommandResult>;
}

const interruptNotices: Readonly<Record<number, string>> = {
  1: 'Interrupted: stopping, and removing what this run created (press Ctrl-C again to stop the clean-up)',
  2: 'Interrupted again: the clean-up stops here; what is left is listed below (Ctrl-C once more quits at once)',
};

/**
 * Runs one command: builds its context (paths, providers, display, interrupt handling,
 * debug log), reports its outcome or error, and returns the exit code. The only place
 * errors become exit codes (see `exitCodeFor`).
 */
export async function runCommand(params: RunCommandParams): Promise<number> {
  const { io, globals } = params;
  const debug = globals.debug === true;
  const reporter = createReporter({ command: params.name, json: params.json, debug, stdout: io.stdout, stderr: io.stderr, env: io.env });
  const interrupts = watchInterrupts({
    process: io.process,
    onInterrupt: (count) => {
      const notice = interruptNotices[count];
      if (notice !== undefined) reporter.notice('warn', notice);
    },
  });
  let logger: Logger | undefined;
  try {
    logger = await createDebugLogger(globals);
    const context: CommandContext = {
      io,
      globals,
      paths: resolvePaths({ env: io.env, ...(globals.config === undefined ? {} : { configFile: globals.config }) }),
      providers: new ProviderCatalogue(),
      reporter,
      signal: interrupts.signal,
      cleanupSignal: interrupts.cleanupSignal,
      logger,
    };
    const result = await params.action(context);
    const exitCode = result.exitCode ?? 0;
    if (result.error === undefined) reporter.succeed(result.outcome);
    else reporter.fail({ error: result.error, exitCode, outcome: result.outcome });
    return exitCode;
  } catch (error) {
    logger?.debug(`${params.name} failed`, { error });
    const exitCode = exitCodeFor(error);
    reporter.fail({ error, exitCode });
    return exitCode;
  } finally {
    interrupts.dispose();
    reporter.close();
    if (logger !== undefined) await closeLogger(logger);
  }
}

/** Ends the debug log and waits (a second at most) until its file has what was logged. */
function closeLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    timer.unref();
    logger.once('finish', () => {
      clearTimeout(timer);
      resolve();
    });
    logger.end();
  });
}

/** winston loads only when a debug log was asked for. */
async function createDebugLogger(globals: GlobalOptions): Promise<Logger | undefined> {
  if (globals.debug !== true && globals.logFile === undefined) return undefined;
  const { createLogger } = await import('../logging/logger.js');
  return createLogger({
    level: 'debug',
    console: globals.debug === true,
    ...(globals.logFile === undefined ? {} : { file: globals.logFile }),
  });
}
