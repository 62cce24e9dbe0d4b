import assert from 'node:assert/strict';
import { messageOf } from '../../errors/index.js';
import { assertCleanEnvironment, sweepEnvironment } from './clean-environment.js';
import type { CheckContext } from './params.js';

/**
 * Opens a second fresh environment on the same provider with the fixture's `open` and runs
 * `body` with a context for it (its environ and fixture, the same kit key and params);
 * then, pass or fail, sweeps it and cleans its fixture up, as the check runner does for
 * the check's own environment. A failed cleanup after a failed body is a diagnostic, so
 * that the body's error is the one the check fails with.
 *
 * @example
 * await withOtherEnvironment(context, async (other) => {
 *   await withTestMachine(other, { machineId: '1' }, async (theirs) => { … });
 * });
 */
export async function withOtherEnvironment<T>(context: CheckContext, body: (other: CheckContext) => Promise<T>): Promise<T> {
  const fixture = await context.params.open(context.t);
  assert.ok(fixture !== undefined, '`open` gave an environment once but not a second time');
  const other = fixture.environ;
  let clean = false;
  let outcome: { value: T } | { error: unknown };
  try {
    await assertCleanEnvironment(other);
    clean = true;
    assert.notEqual(other.environment.uuid, context.environ.environment.uuid, '`open` must give a fresh environment (a new UUID) every time');
    outcome = { value: await body({ ...context, environ: other, fixture }) };
  } catch (error) {
    outcome = { error };
  }
  const problems = clean ? await sweepEnvironment(other) : [];
  try {
    await fixture.cleanup?.();
  } catch (error) {
    problems.push(new Error(`the fixture's cleanup: ${messageOf(error)}`, { cause: error }));
  }
  if ('error' in outcome) {
    for (const problem of problems) context.t.diagnostic(`cleaning up the second environment after the failure: ${problem.message}`);
    throw outcome.error;
  }
  if (problems.length > 0) throw new AggregateError(problems, `cleaning up the second environment: ${problems.map((p) => p.message).join('; ')}`);
  return outcome.value;
}
