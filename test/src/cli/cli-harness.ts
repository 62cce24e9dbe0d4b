import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

/** The built `envboot` command, run as operators run it. */
export const cliPath = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliHome {
  /** ENVBOOT_HOME: config and data of this test's envboot. */
  readonly home: string;
  /** Writes `environments.yaml` (or another file) under the home. */
  write(file: string, text: string): Promise<string>;
  run(args: readonly string[], options?: RunOptions): Promise<CliRun>;
  start(args: readonly string[], options?: RunOptions): ChildProcess;
  /** Names of the environment directories this client holds. */
  environmentDirs(): string[];
  environmentDir(name: string): string;
  /**
   * Runs `cleanup` when the test (or file) that made this home ends, after its runs are
   * killed and before the home is removed: a destroy then still finds the environments.
   */
  beforeRemoval(cleanup: () => Promise<void>): void;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; absent: stdin is closed at once. */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kills the run (SIGKILL) after this long; default 120 s. */
  readonly timeoutMs?: number;
}

/**
 * A temporary ENVBOOT_HOME, with runs of the built CLI pointed at it (and HOME too, so
 * nothing reaches the real home directory). When the test (or file) that made it ends,
 * runs still going are killed, the `beforeRemoval` cleanups run, and the directory is
 * removed, in that order, in one hook: node:test runs a test's hooks in the order they
 * were registered, so a separate removal hook would run before any cleanup registered
 * later and pull the files from under machines still running.
 */
export async function cliHome(prefix = 'envboot-cli-'): Promise<CliHome> {
  const home = await mkdtemp(path.join(tmpdir(), prefix));
  // `envboot` on the PATH is the build under test, as `export PATH="$PWD/bin:$PATH"` makes
  // it for an operator: the commands its hints suggest then read `envboot …`.
  const bin = path.join(home, 'bin');
  await mkdir(bin);
  await symlink(cliPath, path.join(bin, 'envboot'));
  const children = new Set<ChildProcess>();
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    await Promise.all([...children].map(killAndWait));
    try {
      for (const cleanup of cleanups) await cleanup();
    } finally {
      await rm(home, { recursive: true, force: true, maxRetries: 3 });
    }
  });
  const environment = (extra: RunOptions['env']): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, ENVBOOT_HOME: home, HOME: home, NO_COLOR: '1', CI: process.env['CI'], ...extra };
    return { ...env, PATH: [bin, ...(env['PATH'] === undefined ? [] : [env['PATH']])].join(path.delimiter) };
  };
  const start = (args: readonly string[], options: RunOptions = {}): ChildProcess => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: environment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    child.stdin.end(options.input ?? '');
    return child;
  };
  return {
    home,
    write: async (file, text) => {
      const target = path.join(home, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
      return target;
    },
    start,
    run: (args, options = {}) => collect(start(args, options), options.timeoutMs ?? 120_000),
    environmentDirs: () => {
      const root = path.join(home, 'data', 'environments');
      return existsSync(root) ? readdirSync(root) : [];
    },
    environmentDir: (name) => path.join(home, 'data', 'environments', name),
    beforeRemoval: (cleanup) => {
      cleanups.push(cleanup);
    },
  };
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.kill('SIGKILL');
  return exited;
}

/** Waits for a started run to end and returns what it printed. */
export function collect(child: ChildProcess, timeoutMs = 120_000): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The NDJSON lines of a `--json` run, parsed. */
export function jsonLines(run: CliRun): Record<string, unknown>[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The last line of a `--json` run: the result object. */
export function finalResult(run: CliRun): Record<string, unknown> {
  const lines = jsonLines(run);
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`no JSON output; stderr: ${run.stderr}`);
  return last;
}
