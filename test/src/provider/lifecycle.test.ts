import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCancelled, preflightEnviron, prepareEnviron, tearDownEnviron, type Environ, type TeardownResult } from '../../../src/index.js';
import { plainEnviron } from '../../fakes/environs.js';

describe('the optional preflight, prepare and teardown', () => {
  it('default to nothing to check, nothing shared and nothing left when a provider leaves them out', async () => {
    const environ = plainEnviron();
    assert.deepEqual(await preflightEnviron(environ), { warnings: [] });
    assert.deepEqual(await prepareEnviron(environ, {}), { resources: {}, created: false });
    assert.deepEqual(await tearDownEnviron(environ, {}), { removed: [], failures: [] });
  });

  it('call the provider’s own when it has them, with the caller’s parameters', async () => {
    const signal = new AbortController().signal;
    const seen: unknown[] = [];
    const torn: TeardownResult = { removed: ['security group sg-1'], failures: [] };
    const environ: Environ = {
      ...plainEnviron(),
      preflight: (params) => (seen.push(params), Promise.resolve({ warnings: ['quota is low'] })),
      prepare: (params) => (seen.push(params), Promise.resolve({ resources: { group: 'sg-1' }, created: true })),
      teardown: (params) => (seen.push(params), Promise.resolve(torn)),
    };
    assert.deepEqual(await preflightEnviron(environ, { signal }), { warnings: ['quota is low'] });
    assert.deepEqual(await prepareEnviron(environ, { signal }), { resources: { group: 'sg-1' }, created: true });
    assert.equal(await tearDownEnviron(environ, { signal }), torn);
    assert.deepEqual(seen, [{ signal }, { signal }, { signal }]);
  });

  it('reject an aborted call as CANCELLED, defaults included', async () => {
    const signal = AbortSignal.abort(new Error('operator pressed Ctrl-C'));
    for (const call of [preflightEnviron, prepareEnviron, tearDownEnviron]) {
      await assert.rejects(call(plainEnviron(), { signal }), (error: unknown) => isCancelled(error) && /plain/.test((error as Error).message));
    }
  });
});
