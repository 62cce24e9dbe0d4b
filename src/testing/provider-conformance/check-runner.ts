import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { messageOf } from '../../errors/index.js';
import { generateSshKeyPair } from '../../ssh/index.js';
import { assertCleanEnvironment, sweepEnvironment } from './clean-environment.js';
import type { CheckBody, MachineCensus, ProviderConformanceParams, ProviderFixture } from './params.js';
import { findLeaks } from './safety-net.js';

/** One opened fixture: released once, by its check or by the suite's final sweep. */
class Lease {
  /** True once `assertCleanEnvironment` passed: only then may the kit stop what is listed. */
  clean = false;
  /** What the census saw running before the check: anything new afterwards is the check's. */
  runningBefore: ReadonlySet<string> | undefined;
  readonly #fixture: ProviderFixture;
  readonly #census: MachineCensus | undefined;
  #released: Promise<Error[]> | undefined;

  constructor(fixture: ProviderFixture, census: MachineCensus | undefined) {
    this.#fixture = fixture;
    this.#census = census;
  }

  release(): Promise<Error[]> {
    this.#released ??= this.#release();
    return this.#released;
  }

  async #release(): Promise<Error[]> {
    const problems = this.clean ? await sweepEnvironment(this.#fixture.environ) : [];
    // The safety net runs before the fixture's cleanup, which may remove what the provider needs to find its machines.
    if (this.clean) problems.push(...(await findLeaks({ fixture: this.#fixture, census: this.#census, runningBefore: this.runningBefore })));
    try {
      await this.#fixture.cleanup?.();
    } catch (error) {
      problems.push(new Error(`the fixture's cleanup: ${messageOf(error)}`, { cause: error }));
    }
    return problems;
  }
}

/**
 * Registers checks as `it`s: each opens a fixture, refuses a dirty environment, runs, and
 * then (pass or fail) sweeps the environment, looks for machines the provider leaked
 * (`findLeaks`) and cleans the fixture up. A check `params.notApplicable` names is
 * skipped with its reason, opening nothing; with such names, a first `it` fails unless
 * each names a registered check and gives a reason. Also registers an `after` hook that
 * releases any fixture a check could not (a check that timed out). Call inside the
 * suite's `describe`.
 */
export function checkRunner(params: ProviderConformanceParams): (title: string, body: CheckBody) => void {
  const clientKey = generateSshKeyPair({ comment: 'envboot-conformance' });
  const leases = new Set<Lease>();
  const notApplicable = params.notApplicable ?? {};
  const registered = new Set<string>();
  after(async () => {
    const problems = (await Promise.all([...leases].map((lease) => lease.release()))).flat();
    if (problems.length > 0) throw new AggregateError(problems, `final sweep: ${problems.map((p) => p.message).join('; ')}`);
  });
  if (Object.keys(notApplicable).length > 0) {
    // Runs once the suite has registered every check, so it sees all their titles.
    it('names only checks the kit has in notApplicable, each with a reason', () => {
      assertNotApplicableNamesChecks(notApplicable, registered);
    });
  }
  return (title, body) => {
    registered.add(title);
    if (Object.hasOwn(notApplicable, title)) {
      it(title, (t) => {
        t.skip(`not applicable: ${notApplicable[title] ?? ''}`);
      });
      return;
    }
    it(title, async (t) => {
      const fixture = await params.open(t);
      if (fixture === undefined) return;
      const lease = new Lease(fixture, params.census);
      leases.add(lease);
      let failure: { error: unknown } | undefined;
      try {
        await assertCleanEnvironment(fixture.environ);
        lease.runningBefore = params.census === undefined ? undefined : new Set(await params.census.live());
        lease.clean = true;
        await body({ environ: fixture.environ, fixture, params, clientKey, t });
      } catch (error) {
        failure = { error };
      }
      const problems = await lease.release();
      leases.delete(lease);
      if (failure !== undefined) {
        for (const problem of problems) t.diagnostic(`cleaning up after the failed check: ${problem.message}`);
        throw failure.error;
      }
      if (problems.length > 0) throw new AggregateError(problems, `cleaning up after the check: ${problems.map((p) => p.message).join('; ')}`);
    });
  };
}

/** Fails naming every `notApplicable` entry that matches no registered title or gives no reason. */
function assertNotApplicableNamesChecks(notApplicable: Readonly<Record<string, string>>, registered: ReadonlySet<string>): void {
  const problems = Object.entries(notApplicable).flatMap(([title, reason]) => [
    ...(registered.has(title) ? [] : [`${JSON.stringify(title)} is the title of no check`]),
    ...(typeof reason === 'string' && reason.trim() !== '' ? [] : [`${JSON.stringify(title)} gives no reason`]),
  ]);
  assert.ok(
    problems.length === 0,
    `notApplicable: ${problems.join('; ')}. Name each check exactly as the kit registers it (docs/conformance-kit.md lists them), with why it does not apply to this provider`,
  );
}
