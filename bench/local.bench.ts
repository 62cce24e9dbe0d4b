import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { addMachines, bootstrap, destroy, type Environ } from '../src/index.js';
import { createFakeProvider } from '../src/testing/index.js';
import { localProvider } from '../providers/local/index.js';
import { quantile } from './harness.js';
import { processTree, processesMentioning } from '../test/helpers/processes.js';
import { treeMemory } from './process-memory.js';

const controllerConfig = { write_files: [{ path: '/etc/app.conf', content: 'port = 8080\n' }], runcmd: [['mkdir', '-p', '/opt/app']] };

async function openLocal(dataDir: string): Promise<Environ> {
  const checked = localProvider.validateConfig({ config: {} });
  if (!checked.ok) throw new Error('default local config rejected');
  return localProvider.open({ environment: { name: 'bench', uuid: randomUUID() }, config: checked.config, dataDir });
}

function row(name: string, times: number[], targetMs: number): void {
  const sorted = [...times].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const verdict = median <= targetMs ? 'ok' : 'OVER';
  console.log(
    `  ${name.padEnd(44)} ${String(times.length).padStart(4)} ${median.toFixed(0).padStart(10)} ${quantile(sorted, 0.95).toFixed(0).padStart(8)} ${String(targetMs).padStart(9)} ${`${(targetMs / median).toFixed(1)}x`.padStart(9)} ${verdict}`,
  );
}

/** Bootstrap then destroy, each timed, on a fresh environment every run. */
async function lifecycle(open: (dataDir: string) => Promise<Environ>, runs: number): Promise<{ up: number[]; down: number[] }> {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'envboot-bench-'));
    try {
      const environ = await open(dataDir);
      let start = performance.now();
      await bootstrap({ environ, controllerConfig: environ.capabilities.packageInstallation ? {} : controllerConfig });
      up.push(performance.now() - start);
      start = performance.now();
      const result = await destroy({ environ });
      down.push(performance.now() - start);
      if (result.failures.length > 0) throw new Error(`destroy failed: ${result.failures.map((f) => f.error.message).join('; ')}`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return { up, down };
}

/** Adds `count` machines to a bootstrapped local environment; reports time and memory per machine. */
async function addMany(count: number): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'envboot-bench-'));
  const environ = await openLocal(dataDir);
  try {
    const { clientKey } = await bootstrap({ environ });
    // The agent and the sandboxes it started all name the directory; the agent is their root.
    const [agent] = processesMentioning(dataDir).sort((a, b) => processTree(b).length - processTree(a).length);
    const before = agent === undefined ? undefined : treeMemory(agent);
    const start = performance.now();
    const result = await addMachines({ environ, count, clientKey, concurrency: 10 });
    const elapsed = performance.now() - start;
    if (result.failures.length > 0) throw new Error(`${result.failures.length} machines failed: ${result.failures[0]?.error.message ?? ''}`);
    row(`add-machine -n ${count}`, [elapsed], 20_000);
    const after = agent === undefined ? undefined : treeMemory(agent);
    if (before !== undefined && after !== undefined) {
      const perRss = (after.rssKiB - before.rssKiB) / count / 1024;
      const perPss = (after.pssKiB - before.pssKiB) / count / 1024;
      console.log(
        `  memory: agent tree ${before.processes} → ${after.processes} processes; per added machine ${perPss.toFixed(2)} MiB PSS, ${perRss.toFixed(2)} MiB RSS (target ≤ 15 MB)`,
      );
      console.log(`  agent tree with ${count + 1} machines: ${(after.pssKiB / 1024).toFixed(1)} MiB PSS, ${(after.rssKiB / 1024).toFixed(1)} MiB RSS`);
    } else {
      console.log('  memory: agent process not found; per-machine memory not measured');
    }
    const start2 = performance.now();
    await destroy({ environ });
    row(`destroy with ${count + 1} machines`, [performance.now() - start2], 5_000);
  } finally {
    await destroy({ environ }).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function benchLocal(params: { runs?: number; machines?: number } = {}): Promise<void> {
  const runs = params.runs ?? 7;
  console.log('\nlocal provider: bootstrap and destroy (fresh environment each run; controller config writes a file and a directory)');
  console.log(`  ${'case'.padEnd(44)} ${'runs'.padStart(4)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)} ${'target ms'.padStart(9)} ${'headroom'.padStart(9)}`);
  const fake = createFakeProvider();
  try {
    const baseline = await lifecycle((dataDir) => Promise.resolve(fake.openEnviron({ name: path.basename(dataDir), uuid: randomUUID() })), runs);
    row('bootstrap, fake provider (common code only)', baseline.up, 2_000);
    const local = await lifecycle(openLocal, runs);
    row('bootstrap, local provider', local.up, 2_000);
    row('destroy, fake provider', baseline.down, 1_000);
    row('destroy, local provider (1 machine)', local.down, 1_000);
  } finally {
    await fake.close();
  }
  await addMany(params.machines ?? 50);
}
