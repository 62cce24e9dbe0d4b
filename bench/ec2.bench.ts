import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { addMachines, bootstrap, destroy, environmentTags, exposePorts, generateSshKeyPair, parseExposeRequest, unexposePorts } from '../src/index.js';
import { openFakeAws, fastWait } from '../test/providers/ec2/fixtures.js';
import { quantile } from './harness.js';

/** Calls one flow made, by service, from the fakes' request logs. */
interface CallCount {
  readonly ec2: number;
  readonly polls: number;
  readonly s3: number;
  readonly actions: string;
}

/**
 * The ec2 provider against the fake EC2 and S3 endpoints, over real HTTP with the real
 * SDK: API calls per flow (what AWS bills in rate limits, and what the issue budgets) and
 * the time the common code plus the SDK take when AWS answers at once.
 */
export async function benchEc2(): Promise<void> {
  const aws = await openFakeAws();
  try {
    console.log('\nec2 provider against local EC2 and S3 endpoints (real SDK, real HTTP, machines served by embedded SSH hosts through a jump host)');
    const counted = (from: { ec2: number; s3: number }): CallCount => {
      const calls = aws.ec2.requests.slice(from.ec2);
      const actions = calls.map((r) => r.action).filter((a) => a !== 'DescribeInstances');
      const tally = new Map<string, number>();
      for (const action of actions) tally.set(action, (tally.get(action) ?? 0) + 1);
      return {
        ec2: actions.length,
        polls: calls.length - actions.length,
        s3: aws.s3.requests.length - from.s3,
        actions: [...tally].map(([a, n]) => (n === 1 ? a : `${a}×${n}`)).join(', '),
      };
    };
    const mark = (): { ec2: number; s3: number } => ({ ec2: aws.ec2.requests.length, s3: aws.s3.requests.length });
    const clientKey = generateSshKeyPair({ comment: 'bench' });
    const bootTimes: number[] = [];
    const destroyTimes: number[] = [];
    let bootCalls: CallCount | undefined;
    let addCalls: CallCount | undefined;
    let destroyCalls: CallCount | undefined;
    const ports = (text: string) => parseExposeRequest({ ports: [text] }, { ports: 'ports', from: 'from' }).rules;
    const firewall: { name: string; calls: CallCount }[] = [];
    for (let run = 0; run < 5; run += 1) {
      const environ = aws.environ();
      let from = mark();
      let start = performance.now();
      // The second run also opens a port: what `expose:` adds to a bootstrap.
      await bootstrap({ environ, clientKey, timeouts: fastWait, ...(run === 1 ? { expose: ports('443') } : {}) });
      bootTimes.push(performance.now() - start);
      bootCalls ??= counted(from);
      if (run === 1) firewall.push({ name: 'bootstrap with expose 443 (bucket exists)', calls: counted(from) });
      if (run === 0) {
        from = mark();
        const added = await addMachines({ environ, count: 3, clientKey, timeouts: fastWait });
        if (added.failures.length > 0) throw new Error(added.failures[0]?.error.message);
        addCalls = counted(from);
        for (const [name, step] of [
          ['expose 8080 (to anywhere)', () => exposePorts({ environ, rules: ports('8080') })],
          ['expose 8080 again (already open)', () => exposePorts({ environ, rules: ports('8080') })],
          ['unexpose 8080', () => unexposePorts({ environ, ranges: ports('8080') })],
        ] as const) {
          from = mark();
          await step();
          firewall.push({ name, calls: counted(from) });
        }
      }
      from = mark();
      start = performance.now();
      const result = await destroy({ environ });
      destroyTimes.push(performance.now() - start);
      if (result.failures.length > 0) throw new Error(result.failures[0]?.error.message);
      destroyCalls ??= counted(from);
    }
    const median = (times: number[]): string => `${quantile([...times].sort((a, b) => a - b), 0.5).toFixed(0)} ms`;
    console.log(`  ${'flow'.padEnd(44)} ${'EC2 calls'.padStart(9)} ${'polls'.padStart(6)} ${'S3'.padStart(4)}  median`);
    const line = (name: string, c: CallCount | undefined, time: string): void => {
      if (c === undefined) return;
      console.log(`  ${name.padEnd(44)} ${String(c.ec2).padStart(9)} ${String(c.polls).padStart(6)} ${String(c.s3).padStart(4)}  ${time}`);
      console.log(`    ${c.actions}`);
    };
    line('bootstrap (first run creates the bucket)', bootCalls, median(bootTimes));
    line('add-machine -n 3', addCalls, '');
    line('destroy (4 machines on the first run)', destroyCalls, median(destroyTimes));
    for (const { name, calls } of firewall) line(name, calls, '');
    console.log('  budget: bootstrap ≤ 15 EC2 calls beyond polling; S3: 4 into an existing bucket, 2 more to create one; destroy ⌈N/1000⌉ TerminateInstances');

    const environment = { name: 'bench-many', uuid: randomUUID() };
    for (let n = 0; n < 2500; n += 1) aws.ec2.addInstance({ tags: environmentTags(environment) });
    const from = mark();
    const start = performance.now();
    await destroy({ environ: aws.environ({ environment }) });
    const many = counted(from);
    console.log(`  destroy of 2,500 tagged machines: ${(performance.now() - start).toFixed(0)} ms; ${many.actions}; ${many.polls} DescribeInstances pages`);
  } finally {
    await aws.close();
  }
}
