import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkSandboxSupport } from '../providers/local/preflight.js';
import { measure, printTable, quantile, type Measurement } from './harness.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const cpuReport = fileURLToPath(new URL('./cpu-report.js', import.meta.url));
// The checkout's launcher (`bin/envboot`, what the quick start puts on the PATH): dist/bench/ is two levels below it.
const launcher = fileURLToPath(new URL('../../bin/envboot', import.meta.url));

/**
 * The `envboot` command as an operator meets it: start-up (`--help` must answer in
 * 200 ms; Node itself starting is the baseline), commands that read only local files,
 * and commands that reach a local environment (status, exec), each a fresh process.
 */
export async function benchCli(): Promise<void> {
  const home = await mkdtemp(path.join(tmpdir(), 'envboot-bench-cli-'));
  const env = { ...process.env, ENVBOOT_HOME: home, NO_COLOR: '1' };
  const envboot = (...args: string[]) => () => run(process.execPath, [cli, ...args], { env });
  try {
    const startup: Measurement[] = [
      await measure({ name: 'node -e 0 (Node start-up, baseline)', runs: 21, run: () => run(process.execPath, ['-e', '0']) }),
      await measure({ name: 'envboot --version', runs: 21, run: envboot('--version') }),
      await measure({ name: 'bin/envboot --version (the quick start\'s launcher)', runs: 21, run: () => run(launcher, ['--version'], { env }) }),
      await measure({ name: 'envboot --help', runs: 21, run: envboot('--help') }),
      await measure({ name: 'envboot bootstrap --help', runs: 21, run: envboot('bootstrap', '--help') }),
      await measure({ name: 'envboot providers', runs: 21, run: envboot('providers') }),
      await measure({ name: 'envboot environments (none)', runs: 21, run: envboot('environments') }),
    ];
    printTable('envboot start-up, one process per run', startup, 'envboot --help median <= 200 ms');
    await printCpu(home, env);
    if (!(await sandboxesPossible())) {
      console.log('  (local machines are not possible on this host: status and exec not measured)');
      return;
    }
    await envboot('bootstrap', 'bench')();
    try {
      printTable('envboot on a bootstrapped local environment, one process per run', [
        await measure({ name: 'envboot status bench', runs: 11, run: envboot('status', 'bench') }),
        await measure({ name: 'envboot status bench --json', runs: 11, run: envboot('status', 'bench', '--json') }),
        await measure({ name: 'envboot exec bench 0 -- true', runs: 11, run: envboot('exec', 'bench', '0', '--', 'true') }),
      ]);
    } finally {
      await envboot('destroy', 'bench', '--yes')();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function sandboxesPossible(): Promise<boolean> {
  try {
    await checkSandboxSupport();
    return true;
  } catch {
    return false;
  }
}

/**
 * The same start-up cases seen from inside each process: CPU time, and wall time from
 * Node's start to exit (no spawn cost). On a machine whose other tenants steal cycles the
 * wall times above swing; these hold still.
 */
async function printCpu(home: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cases: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['envboot --version', [cli, '--version']],
    ['envboot --help', [cli, '--help']],
    ['envboot providers', [cli, 'providers']],
  ];
  console.log('\n  inside the process (21 runs each)                      cpu median ms   wall median ms');
  for (const [name, args] of cases) {
    const report = path.join(home, `${name.replace(/\W+/g, '-')}.jsonl`);
    for (let i = 0; i < 21; i += 1) await run(process.execPath, ['--import', cpuReport, ...args], { env: { ...env, ENVBOOT_BENCH_REPORT: report } });
    const rows = (await readFile(report, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { cpuMs: number; wallMs: number });
    const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
    console.log(`  ${name.padEnd(52)} ${median(rows.map((r) => r.cpuMs)).toFixed(1).padStart(16)} ${median(rows.map((r) => r.wallMs)).toFixed(1).padStart(16)}`);
  }
}
