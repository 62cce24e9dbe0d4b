import { performance } from 'node:perf_hooks';
import {
  bootstrap,
  destroy,
  generateSshKeyPair,
  memoryProofKeeper,
  planBootstrap,
  resumeBootstrap,
  type Environ,
  type Phase,
} from '../src/index.js';
import { openFakeAws, fastWait } from '../test/providers/ec2/fixtures.js';
import { quantile } from './harness.js';

type Counted = { ec2: number; polls: number; s3: number; writes: number; actions: string };

/**
 * Plans and second chances on the ec2 provider, against the fake EC2 and S3 endpoints
 * (real SDK, real HTTP): what a `--dry-run` plan costs (calls, none of them a change),
 * and what `--resume` costs after a bootstrap killed at each phase, beside a bootstrap
 * from scratch. The times are the fakes' (AWS answers at once): they measure envboot and
 * the SDK; the calls are what AWS would see.
 */
export async function benchResume(): Promise<void> {
  const aws = await openFakeAws();
  try {
    console.log('\nplans and resume on the ec2 provider against local EC2 and S3 endpoints (real SDK, real HTTP)');
    const mark = (): { ec2: number; s3: number } => ({ ec2: aws.ec2.requests.length, s3: aws.s3.requests.length });
    const counted = (from: { ec2: number; s3: number }): Counted => {
      const calls = aws.ec2.requests.slice(from.ec2);
      const actions = calls.map((r) => r.action).filter((a) => a !== 'DescribeInstances');
      const s3 = aws.s3.requests.slice(from.s3);
      const writes = actions.filter((a) => !/^(Describe|Get|List)/.test(a)).length + s3.filter((r) => !['GetObject', 'HeadObject', 'ListObjectsV2', 'HeadBucket'].includes(r.operation)).length;
      return { ec2: actions.length, polls: calls.length - actions.length, s3: s3.length, writes, actions: [...new Set(actions)].join(', ') };
    };
    const clientKey = generateSshKeyPair({ comment: 'bench' });
    const rows: { name: string; calls: Counted; times: number[] }[] = [];
    const row = (name: string): { name: string; calls: Counted; times: number[] } => {
      const found = rows.find((r) => r.name === name);
      if (found !== undefined) return found;
      const made = { name, calls: { ec2: 0, polls: 0, s3: 0, writes: 0, actions: '' }, times: [] as number[] };
      rows.push(made);
      return made;
    };
    const measure = async (name: string, run: () => Promise<unknown>): Promise<void> => {
      const from = mark();
      const start = performance.now();
      await run();
      const entry = row(name);
      entry.times.push(performance.now() - start);
      if (entry.times.length === 1) entry.calls = counted(from);
    };
    const cleanUp = async (environ: Environ): Promise<void> => {
      const result = await destroy({ environ });
      if (result.failures.length > 0) throw new Error(result.failures[0]?.error.message);
    };
    const controllerConfig = { runcmd: ['true'] };
    for (let run = 0; run < 5; run += 1) {
      // Each flow on an Environ of its own: one that planned would answer the bootstrap's lookups from its memos.
      await measure('bootstrap --dry-run (plan)', () => planBootstrap({ environ: aws.environ(), controllerConfig }));
      const environ = aws.environ();
      await measure('bootstrap from scratch', () => bootstrap({ environ, clientKey, timeouts: fastWait, controllerConfig }));
      await cleanUp(environ);
      for (const phase of ['start-instance', 'wait-ssh', 'configure'] as const) {
        const killed = aws.environ();
        const proofs = await killAt(killed, phase, clientKey);
        await measure(`--resume after a kill at ${phase}`, () => resumeBootstrap({ environ: killed, clientKey, proofs, timeouts: fastWait, controllerConfig }));
        await cleanUp(killed);
      }
    }
    const scratch = quantile([...row('bootstrap from scratch').times].sort((a, b) => a - b), 0.5);
    console.log(`  ${'flow (5 runs each)'.padEnd(40)} ${'EC2'.padStart(4)} ${'polls'.padStart(6)} ${'S3'.padStart(4)} ${'changes'.padStart(8)}  median   vs scratch`);
    for (const { name, calls, times } of rows) {
      const median = quantile([...times].sort((a, b) => a - b), 0.5);
      console.log(
        `  ${name.padEnd(40)} ${String(calls.ec2).padStart(4)} ${String(calls.polls).padStart(6)} ${String(calls.s3).padStart(4)} ${String(calls.writes).padStart(8)}  ${median.toFixed(0).padStart(4)} ms  ${(median / scratch).toFixed(2)}×`,
      );
      console.log(`    ${calls.actions}`);
    }
  } finally {
    await aws.close();
  }
}

/** A bootstrap stopped as `phase` starts, its clean-up cut short at once, as a SIGKILL leaves it; the proofs it kept. */
async function killAt(environ: Environ, phase: Phase, clientKey: ReturnType<typeof generateSshKeyPair>) {
  const proofs = memoryProofKeeper();
  const stop = new AbortController();
  const noCleanup = new AbortController();
  noCleanup.abort();
  await bootstrap({
    environ,
    clientKey,
    proofs,
    timeouts: fastWait,
    controllerConfig: { runcmd: ['true'] },
    signal: stop.signal,
    cleanupSignal: noCleanup.signal,
    onEvent: (event) => {
      if (event.type === 'phase.started' && event.phase === phase) stop.abort();
    },
  }).catch(() => undefined);
  return proofs;
}
