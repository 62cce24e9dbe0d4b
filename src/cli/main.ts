#!/usr/bin/env node
/**
 * The `envboot` command's entry point: parses the command line and runs the command. Kept
 * to commander and the program's definition, so `--help` and `--version` answer without
 * loading ssh2, a provider or a cloud SDK; each command loads what it needs.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import type { CliIo } from './context.js';
import { buildProgram, type ProgramRun } from './program.js';
import { privateKeyArgumentIndex, privateKeyArgumentMessage } from './secret-arguments.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Exit codes, as in `ExitCode` (not imported: the error module is not needed to print help). */
const ok = 0;
const badInput = 2;

/** Runs `envboot` with `argv` (without node and the script) and returns the exit code. */
async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const secret = privateKeyArgumentIndex(argv);
  if (secret !== undefined) {
    io.stderr.write(privateKeyArgumentMessage(secret));
    return badInput;
  }
  const run: ProgramRun = { exitCode: ok };
  const program = buildProgram({ io, version, run });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return run.exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version "errors" are how commander stops after printing them. Help it
    // printed because no command was given (to stderr, exit code 1) is a usage error.
    const printedOnly = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    return printedOnly && error.exitCode === 0 ? ok : badInput;
  }
}

// The AWS SDK warns, on Node 20, that its releases after January 2027 will need Node 22:
// a note for envboot's maintainers (who pin the SDK), not something an operator can act on.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// A reader that went away (`envboot status | head -1`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  process,
});
