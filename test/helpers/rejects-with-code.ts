import assert from 'node:assert/strict';
import { errorCodeOf } from '../../src/index.js';

/** Asserts that `promise` rejects with an error whose stable code is `code`; returns the error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<unknown> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} rejection`),
    (e: unknown) => e,
  );
  assert.equal(errorCodeOf(error), code, String(error));
  return error;
}
