import assert from 'node:assert/strict';
import { isZoned, partialAbilities, preflightEnviron, prepareEnviron, tearDownEnviron, type Environ, type TeardownResult } from '../../provider/index.js';
import type { CheckContext } from './params.js';
import { withTestMachine, waitUntilUnlisted } from './test-machine.js';

/** An id no provider gives: instances and stops of it must behave as for a gone instance. */
export const madeUpInstanceId = 'envboot-conformance-no-such-instance';

/** Listed instance ids, for assertions with a readable diff. */
async function listedIds(environ: Environ): Promise<string[]> {
  return (await environ.allInstances({})).map((instance) => instance.id);
}

export async function checkCapabilities({ environ }: CheckContext): Promise<void> {
  const caps = environ.capabilities;
  const problems: string[] = [];
  for (const { ability, missing } of partialAbilities(environ)) {
    problems.push(`the Environ implements part of the ${ability} ability but not ${missing.join(', ')}: envboot ignores an ability until every method of it is there`);
  }
  if (!Number.isSafeInteger(caps.maxUserDataBytes) || caps.maxUserDataBytes <= 0) {
    problems.push(`capabilities.maxUserDataBytes is ${String(caps.maxUserDataBytes)}, not a positive number of bytes`);
  }
  if (environ.provider.trim() === '') problems.push('provider (its registered name) is empty');
  if (environ.sshUser.trim() === '') problems.push('sshUser is empty');
  assert.ok(problems.length === 0, problems.join('; '));

  // storage() may or may not return one object each time; what one call writes, the next must read.
  const key = 'conformance-probe';
  const { version } = await environ.storage().put({ key, body: 'probe', condition: { ifAbsent: true } });
  const read = await environ.storage().get({ key });
  assert.equal(Buffer.from(read.body).toString(), 'probe', `${environ.storage().description} gave back other bytes`);
  assert.equal(read.version, version, `${environ.storage().description} gave back another version than the put returned`);
  await environ.storage().delete({ key, ifVersion: version });
  await assert.rejects(environ.storage().get({ key }), { code: 'NOT_FOUND' }, `${key} is still there after its delete`);
}

export async function checkFreshEnvironment({ environ }: CheckContext): Promise<void> {
  assert.deepEqual(await listedIds(environ), []);
}

export async function checkPreflight({ environ }: CheckContext): Promise<void> {
  for (let call = 1; call <= 2; call += 1) {
    const { warnings } = await preflightEnviron(environ, {});
    assert.ok(
      Array.isArray(warnings) && warnings.every((w) => typeof w === 'string' && w.trim() !== ''),
      `preflight call ${call} returned warnings that are not all non-empty strings: ${JSON.stringify(warnings)}`,
    );
  }
  assert.deepEqual(await listedIds(environ), [], 'preflight must be read-only, yet instances are listed after it');
}

export async function checkPrepareIdempotent({ environ }: CheckContext): Promise<void> {
  const first = await prepareEnviron(environ, {});
  const second = await prepareEnviron(environ, {});
  assert.deepEqual(second.resources, first.resources, 'a second prepare must find and return the resources the first one made');
  assert.equal(second.created, false, `a second prepare found everything the first made (${JSON.stringify(first.resources)}), so it must say created: false`);
  assert.deepEqual(await listedIds(environ), [], 'prepare started instances');
}

export async function checkUnknownIds({ environ }: CheckContext): Promise<void> {
  assert.deepEqual(await environ.instances({ ids: [] }), [], 'instances of no ids is an empty list');
  assert.deepEqual(
    await environ.instances({ ids: [madeUpInstanceId] }),
    [undefined],
    `instances of the unknown id ${madeUpInstanceId} must be [undefined]: not an error, not an entry`,
  );
  await environ.stopInstances({ ids: [madeUpInstanceId] });
  await environ.stopInstances({ ids: [madeUpInstanceId], waitUntilGone: true });
  if (isZoned(environ)) {
    assert.deepEqual(await environ.instanceZones({ ids: [madeUpInstanceId] }), [undefined], 'instanceZones of an unknown id');
  }
}

/** Starts and stops a machine so that the teardown meets what a real environment leaves, then tears down twice. */
export async function checkTeardown(context: CheckContext): Promise<void> {
  const { environ } = context;
  await prepareEnviron(environ, {});
  const id = await withTestMachine(context, { machineId: '1' }, (machine) => Promise.resolve(machine.id));
  await waitUntilUnlisted(environ, id, context.params.goneTimeoutMs ?? 60_000);
  for (const attempt of ['first', 'second'] as const) {
    const result = await tearDownEnviron(environ, {});
    assert.deepEqual(failuresOf(result), [], `the ${attempt} teardown after every instance was gone left failures`);
  }
}

function failuresOf(result: TeardownResult): string[] {
  return result.failures.map((failure) => `${failure.resource}: ${failure.error.message}`);
}
