import assert from 'node:assert/strict';
import { ConfigError } from '../../src/index.js';

/** The ConfigError (CONFIG_INVALID) that `promise` rejects with; fails the test otherwise. */
export async function configErrorFrom(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error;
  }
  assert.fail('expected a ConfigError, but it resolved');
}
