import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newEnvironmentRecord, writeEnvironmentRecord } from '../src/cli/records/environment-record.js';
import { writeMachineCache } from '../src/cli/records/machine-cache.js';
import { measure, printTable, quantile } from './harness.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const cpuReport = fileURLToPath(new URL('./cpu-report.js', import.meta.url));

/**
 * One Tab in a shell: `envboot __complete` as the completion scripts call it, a fresh
 * process each time, for each kind of answer, against a home with 20 recorded
 * environments of 10 machines each and an environments.yaml of 20 more. The shell's own
 * part (bash reading the reply) is the last row.
 */
export async function benchCompletion(): Promise<void> {
  const home = await mkdtemp(path.join(tmpdir(), 'envboot-bench-completion-'));
  const env = { ...process.env, ENVBOOT_HOME: home, HOME: home };
  try {
    await writeFile(path.join(home, 'environments.yaml'), `environments:\n${Array.from({ length: 20 }, (_, i) => `  defined-${i}: { provider: local }\n`).join('')}`);
    for (let i = 0; i < 20; i += 1) {
      const dir = path.join(home, 'data', 'environments', `env-${i}`);
      await writeEnvironmentRecord(dir, newEnvironmentRecord({ name: `env-${i}`, provider: 'local' }));
      await writeMachineCache(dir, Array.from({ length: 10 }, (_, m) => ({ id: String(m), instanceId: `local-${i}-${m}`, status: 'running' as const, addresses: [] })));
    }
    const complete = (...words: string[]) => () => run(process.execPath, [cli, '__complete', '--', String(words.length - 1), ...words], { env });
    const script = path.join(home, 'envboot.bash');
    await writeFile(script, (await run(process.execPath, [cli, 'completion', 'bash'], { env })).stdout);
    const shim = path.join(home, 'envboot');
    await writeFile(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`, { mode: 0o755 });
    const bashTab = [
      `source ${JSON.stringify(script)}`,
      `COMP_WORDS=(${JSON.stringify(shim)} status ''); COMP_CWORD=2; _envboot_complete`,
    ].join('\n');
    printTable('one Tab: envboot __complete, one process per run', [
      await measure({ name: 'node -e 0 (Node start-up, baseline)', runs: 21, run: () => run(process.execPath, ['-e', '0']) }),
      await measure({ name: 'envboot --version', runs: 21, run: () => run(process.execPath, [cli, '--version'], { env }) }),
      await measure({ name: 'envboot st<Tab> (commands)', runs: 21, run: complete('envboot', 'st') }),
      await measure({ name: 'envboot status <Tab> (40 environment names)', runs: 21, run: complete('envboot', 'status', '') }),
      await measure({ name: 'envboot exec env-3 <Tab> (machine ids)', runs: 21, run: complete('envboot', 'exec', 'env-3', '') }),
      await measure({ name: 'envboot logs env-3 0 --<Tab> (flags)', runs: 21, run: complete('envboot', 'logs', 'env-3', '0', '--') }),
      await measure({ name: 'envboot bootstrap --<Tab> (with provider flags)', runs: 21, run: complete('envboot', 'bootstrap', '--') }),
      await measure({ name: 'envboot --config <Tab> (files, left to the shell)', runs: 21, run: complete('envboot', '--config', '') }),
      await measure({ name: 'bash: status <Tab>, script and reply included', runs: 21, run: () => run('bash', ['--norc', '--noprofile', '-c', bashTab], { env }) }),
    ], 'a Tab costs about what envboot --version does');
    await printCpu(home, env, [
      ['node -e 0', ['-e', '0']],
      ['envboot --version', [cli, '--version']],
      ['envboot status <Tab>', [cli, '__complete', '--', '2', 'envboot', 'status', '']],
      ['envboot exec env-3 <Tab>', [cli, '__complete', '--', '3', 'envboot', 'exec', 'env-3', '']],
      ['envboot bootstrap --<Tab>', [cli, '__complete', '--', '2', 'envboot', 'bootstrap', '--']],
    ]);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The same cases seen from inside each process (CPU time, and wall time from Node's start), which hold still on a busy machine. */
async function printCpu(home: string, env: NodeJS.ProcessEnv, cases: readonly (readonly [string, readonly string[]])[]): Promise<void> {
  console.log('\n  inside the process (21 runs each)                      cpu median ms   wall median ms');
  const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
  for (const [name, args] of cases) {
    const report = path.join(home, `${name.replace(/\W+/g, '-')}.jsonl`);
    for (let i = 0; i < 21; i += 1) await run(process.execPath, ['--import', cpuReport, ...args], { env: { ...env, ENVBOOT_BENCH_REPORT: report } });
    const rows = (await readFile(report, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { cpuMs: number; wallMs: number });
    console.log(`  ${name.padEnd(52)} ${median(rows.map((r) => r.cpuMs)).toFixed(1).padStart(16)} ${median(rows.map((r) => r.wallMs)).toFixed(1).padStart(16)}`);
  }
}
