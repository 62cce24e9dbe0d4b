import path from 'node:path';
import { open, type FileHandle } from 'node:fs/promises';
import { ConfigError, ExitCode, exitCodeFor, messageOf } from '../errors/index.js';
import type { ClosableLogger } from '../logging/index.js';
import type { CommandResult } from './command-result.js';
import { startCommandLog, type CommandLog } from './command-log.js';
import { resolvePaths } from './config/paths.js';
import type { CliIo, CommandContext, GlobalOptions } from './context.js';
import { cliProviderRegistry } from './builtin-providers.js';
import { watchInterrupts } from './interrupts.js';
import { afterHangUp, releaseTerminal } from './terminal-hangup.js';
import { invocationName } from './invocation-name.js';
import { createReporter } from './output/create-reporter.js';
import { gatedStream } from './output/gated-stream.js';
import { hintNamer } from './output/hint-commands.js';
import { namingReporter } from './output/naming-reporter.js';

export interface RunCommandParams {
  readonly name: string;
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  readonly json: boolean;
  /** Whether an interrupt starts a clean-up of what the command created (bootstrap, add-machine). */
  readonly cleansUp?: boolean;
  /** The program's commands: messages suggesting `envboot <one of them>` name this envboot as it can be run again. */
  readonly commands?: readonly string[] | undefined;
  readonly action: (context: CommandContext) => Promise<CommandResult>;
}

function interruptNotice(count: number, cleansUp: boolean): string | undefined {
  if (!cleansUp) return count === 1 ? 'Interrupted: stopping (Ctrl-C again quits at once)' : undefined;
  if (count === 1) return 'Interrupted: stopping, and removing what this run created (press Ctrl-C again to stop the clean-up)';
  if (count === 2) return 'Interrupted again: the clean-up stops here; what is left is listed below (Ctrl-C once more quits at once)';
  return undefined;
}

/**
 * Runs one command: builds its context (paths, providers, display, interrupt handling,
 * debug log), reports its outcome or error, and returns the exit code. The only place
 * errors become exit codes (see `exitCodeFor`).
 */
export async function runCommand(params: RunCommandParams): Promise<number> {
  const { io, globals } = params;
  const debug = globals.debug === true;
  const cleansUp = params.cleansUp === true;
  // After a hang-up there is no terminal to draw on; the command (and its clean-up) goes on silently.
  const terminal = { hungUp: false };
  const [stdout, stderr] = [io.stdout, io.stderr].map((stream) => gatedStream(stream, () => !terminal.hungUp)) as [NodeJS.WriteStream, NodeJS.WriteStream];
  const programName = invocationName({ script: io.process.argv[1], path: io.env['PATH'], cwd: io.process.cwd() });
  const reporter = namingReporter(
    createReporter({ command: params.name, json: params.json, debug, stdout, stderr, env: io.env }),
    hintNamer({ programName, commands: params.commands ?? [] }),
  );
  let logger: ClosableLogger | undefined;
  const interrupts = watchInterrupts({
    process: io.process,
    cleansUp,
    onInterrupt: (count, signal) => {
      logger?.debug(`${signal} received (interrupt ${count})${signal === 'SIGHUP' ? ': the terminal hung up, the command goes on without a display' : ''}`);
      if (signal === 'SIGHUP') terminal.hungUp = true;
      const notice = interruptNotice(count, cleansUp);
      if (notice !== undefined) reporter.notice('warn', notice);
    },
  });
  let log: CommandLog | undefined;
  let exitCode: number = ExitCode.Failed;
  try {
    logger = await createDebugLogger(globals);
    const paths = resolvePaths({ env: io.env, ...(globals.config === undefined ? {} : { configFile: globals.config }) });
    log = startCommandLog({ logger, name: params.name, globals, configFile: paths.configFile, pid: io.process.pid });
    const context: CommandContext = {
      io,
      globals,
      paths,
      providers: cliProviderRegistry({ baseDir: path.dirname(paths.configFile) }),
      reporter,
      signal: interrupts.signal,
      cleanupSignal: interrupts.cleanupSignal,
      logger,
    };
    const result = await params.action(context);
    exitCode = afterHangUp(result.exitCode ?? 0, terminal.hungUp);
    if (result.error === undefined) reporter.succeed(result.outcome);
    else reporter.fail({ error: result.error, exitCode, outcome: result.outcome });
    return exitCode;
  } catch (error) {
    logger?.debug(`${params.name} failed`, { error });
    exitCode = afterHangUp(exitCodeFor(error), terminal.hungUp);
    reporter.fail({ error, exitCode });
    return exitCode;
  } finally {
    interrupts.dispose();
    reporter.close();
    log?.finished(exitCode);
    await logger?.close();
    // Node restores the terminal's settings as it exits, and aborts when the terminal is gone.
    if (terminal.hungUp) releaseTerminal(io.process);
  }
}

/** winston loads only when a debug log was asked for. */
async function createDebugLogger(globals: GlobalOptions): Promise<ClosableLogger | undefined> {
  if (globals.debug !== true && globals.logFile === undefined) return undefined;
  if (globals.logFile !== undefined) await checkLogFile(globals.logFile);
  const { createLogger } = await import('../logging/logger.js');
  // A log that stops working (a full disk) must not take the command down with it: createLogger ignores its failures.
  return createLogger({
    level: 'debug',
    console: globals.debug === true,
    ...(globals.logFile === undefined ? {} : { file: globals.logFile }),
  });
}

/** A --log-file that cannot be appended to is bad input, found before anything is done. */
async function checkLogFile(file: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'a', 0o600);
    if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'its directory does not exist' : messageOf(error);
    throw new ConfigError(`cannot write the log file ${file}: ${reason}; give --log-file a writable file path`, { cause: error });
  } finally {
    await handle?.close();
  }
}
