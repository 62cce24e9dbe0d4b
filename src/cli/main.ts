#!/usr/bin/env node
/**
 * The `envboot` command's entry point. Today it answers `--version` and `--help`; the
 * operator commands (bootstrap, add-machine, status, exec, ssh, destroy) are built on the
 * library as it grows, and until then an unknown command is bad input (exit code 2).
 */
import { readFileSync } from 'node:fs';
import { ExitCode } from '../errors/index.js';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const help = `Usage: envboot [--version] [--help]

envboot stands up a controller machine on a cloud, proves over SSH that it reached the
right machine, configures it with cloud-config, and destroys everything it created.

This build contains the library (provider contract, storage, provider-state, zones);
the operator commands are not part of it yet. See README.md, section "Status".`;

export function main(argv: readonly string[]): number {
  const [first] = argv;
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${packageJson.version}\n`);
    return ExitCode.Ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${help}\n`);
    return ExitCode.Ok;
  }
  process.stderr.write(`envboot: unknown command "${first}"; run "envboot --help" for what this build can do\n`);
  return ExitCode.BadInput;
}

process.exitCode = main(process.argv.slice(2));
