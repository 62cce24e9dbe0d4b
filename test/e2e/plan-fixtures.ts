import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { jsonLines, type CliHome, type CliRun } from '../src/cli/cli-harness.js';

/** A plan as `--dry-run --json` gives it (the parts these tests read). */
export interface PlanJson {
  readonly dryRun: true;
  readonly kind: string;
  readonly environment: { readonly name: string; readonly uuid: string; readonly provider: string; readonly options: Record<string, unknown>; readonly constraints: string;
    /** The provider's defaults laid over the constraints (`arch=amd64 (default)`). */
    readonly defaults: readonly { readonly field: string; readonly value: string | number; readonly why: string; readonly text: string }[] };
  readonly machines: readonly {
    readonly id: string;
    readonly controller: boolean;
    readonly instanceType: { readonly name: string; readonly pricePerHour?: number; readonly reason: string } | null;
    readonly zones: readonly string[];
    readonly placement: string | null;
    readonly provider: {
      readonly image?: { readonly id: string; readonly description?: string; readonly source: string };
      readonly network?: { readonly description: string };
      readonly resources: readonly { readonly kind: string; readonly name: string; readonly action: string }[];
      readonly notes: readonly string[];
    } | null;
  }[];
  readonly userData: { readonly bytes: number; readonly limit: number; readonly gzip: boolean };
  readonly calls: readonly { readonly step: string; readonly action: string; readonly purpose: string; readonly writes: boolean }[];
  readonly permissions: readonly string[];
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

/** The plan of a `--dry-run --json` run, which must be one JSON document (the result) and exit 0. */
export function planOf(run: CliRun): PlanJson {
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const lines = jsonLines(run);
  assert.equal(lines.length, 1, `--json gives one document: ${run.stdout}`);
  const [result] = lines;
  assert.equal(result?.['type'], 'result');
  const plan = result['result'] as PlanJson;
  assert.equal(plan.dryRun, true);
  return plan;
}

export type PlannedMachineJson = PlanJson['machines'][number];
export type ProviderPlanJson = NonNullable<PlannedMachineJson['provider']>;

/** The plan's first machine and its provider plan, which must be there. */
export function firstMachine(plan: PlanJson): { machine: PlannedMachineJson; provider: ProviderPlanJson } {
  const [machine] = plan.machines;
  assert.ok(machine !== undefined, 'the plan has a machine');
  assert.ok(machine.provider !== null, 'the provider planned the start');
  return { machine, provider: machine.provider };
}

/** Each item once, where it first appears. */
export function uniqueInOrder(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** Every file and folder under `root`, with its size and modification time: equal snapshots mean nothing was written. */
export async function fileSnapshot(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = (await readdir(root, { recursive: true })).map(String).sort();
  return Promise.all(entries.map(async (entry) => {
    const info = await stat(path.join(root, entry)).catch(() => undefined);
    return info === undefined ? `${entry} (gone)` : `${entry} ${String(info.size)} ${String(info.mtimeMs)}`;
  }));
}

/** What a failed run printed from its `Error: …` line on: the message and its problems. */
export function errorLine(run: CliRun): string {
  const at = run.stderr.search(/^Error: /m);
  return at < 0 ? `(no error in: ${run.stderr})` : run.stderr.slice(at).trimEnd();
}

/** Asserts that `--dry-run` refuses `args` as the real command does: exit 2, the same message, nothing under the home's data. */
export async function refusedAlike(cli: CliHome, args: readonly string[], env?: Readonly<Record<string, string | undefined>>): Promise<string> {
  const options = env === undefined ? {} : { env };
  const planned = await cli.run([...args, '--dry-run'], options);
  const real = await cli.run(args, options);
  assert.equal(planned.code, 2, `${args.join(' ')} --dry-run: ${planned.stderr}`);
  assert.equal(real.code, 2, `${args.join(' ')}: ${real.stderr}`);
  assert.equal(errorLine(planned), errorLine(real), args.join(' '));
  assert.equal(planned.stdout, '', 'no plan is printed for bad input');
  return errorLine(planned);
}
