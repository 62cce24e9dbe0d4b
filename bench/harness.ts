import { performance } from 'node:perf_hooks';

/** The timings of one measured case, in milliseconds. */
export interface Measurement {
  readonly name: string;
  readonly runs: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
}

export interface MeasureParams {
  readonly name: string;
  readonly runs: number;
  /** Runs made first and not counted (JIT warm-up). */
  readonly warmup?: number;
  readonly run: () => unknown;
}

/** Runs a case repeatedly and reports the median, p95 and minimum wall time. */
export async function measure(params: MeasureParams): Promise<Measurement> {
  for (let i = 0; i < (params.warmup ?? 3); i += 1) await params.run();
  const times: number[] = [];
  for (let i = 0; i < params.runs; i += 1) {
    const start = performance.now();
    await params.run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name: params.name, runs: params.runs, median: quantile(times, 0.5), p95: quantile(times, 0.95), min: times[0] ?? 0 };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (position - low);
}

/** Prints measurements side by side, each with its ratio to the first (the baseline). */
export function printTable(title: string, rows: readonly Measurement[], target?: string): void {
  const baseline = rows[0]?.median ?? 1;
  console.log(`\n${title}${target === undefined ? '' : `  (target: ${target})`}`);
  console.log(`  ${'case'.padEnd(52)} ${'runs'.padStart(5)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(9)} ${'ratio'.padStart(7)}`);
  for (const row of rows) {
    const ratio = row.median === 0 ? '-' : `${(baseline / row.median).toFixed(2)}x`;
    console.log(
      `  ${row.name.padEnd(52)} ${String(row.runs).padStart(5)} ${row.median.toFixed(2).padStart(10)} ${row.p95.toFixed(2).padStart(9)} ${ratio.padStart(7)}`,
    );
  }
}
