import assert from 'node:assert/strict';
import { messageOf } from '../../errors/index.js';
import { tearDownEnviron, type Environ } from '../../provider/index.js';

/**
 * Fails, naming them, when the environment already has instances: the conformance kit
 * runs only on a fresh environment and, as Arvados' cloudtest does, never deletes
 * instances it did not start. Every check calls it before doing anything.
 *
 * @example
 * await assertCleanEnvironment(environ); // throws: environment ci (…) on ec2 already has 1 instance: i-0abc (running); …
 */
export async function assertCleanEnvironment(environ: Environ, params: { readonly signal?: AbortSignal } = {}): Promise<void> {
  const instances = await environ.allInstances(params);
  if (instances.length === 0) return;
  const { name, uuid } = environ.environment;
  const listed = instances.map((instance) => `${instance.id} (${instance.status})`).join(', ');
  assert.fail(
    `environment ${name} (${uuid}) on ${environ.provider} already has ${instances.length} instance(s): ${listed}. ` +
      'The provider conformance kit refuses to run on an environment that has instances and deletes none of them: ' +
      'stop them yourself, or make `open` give a fresh environment (a new UUID) for every check',
  );
}

/**
 * Stops and waits out whatever `allInstances` still lists (after a check that stopped its
 * own machines, that is a provider fault worth reporting), tears the environment down and
 * removes its storage. Best-effort: keeps going after a failure and returns every one.
 * Only for environments `assertCleanEnvironment` passed: everything listed is the kit's.
 */
export async function sweepEnvironment(environ: Environ): Promise<Error[]> {
  const problems: Error[] = [];
  const step = async (what: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      problems.push(new Error(`${what}: ${messageOf(error)}`, { cause: error }));
    }
  };
  await step('stopping the instances the check left', async () => {
    const left = await environ.allInstances({});
    if (left.length === 0) return;
    const ids = left.map((instance) => instance.id);
    await environ.stopInstances({ ids, waitUntilGone: true });
    throw new Error(`${ids.join(', ')} still listed after the check stopped its machines (waitUntilGone); the kit stopped them again`);
  });
  await step('tearing the environment down', async () => {
    const { failures } = await tearDownEnviron(environ, {});
    if (failures.length > 0) throw new Error(failures.map((f) => `${f.resource}: ${f.error.message}`).join('; '));
  });
  await step('removing the environment storage', () => environ.storage().removeAll());
  return problems;
}

/**
 * Fails when anything is listed after a request that had to start nothing; stops what it
 * finds first (the environment was clean when the check began, so it is the check's).
 */
export async function assertStartedNothing(environ: Environ, request: string): Promise<void> {
  const left = await environ.allInstances({});
  if (left.length === 0) return;
  const ids = left.map((instance) => instance.id);
  await environ.stopInstances({ ids, waitUntilGone: true });
  assert.fail(`${request} was refused yet left instance(s) ${ids.join(', ')} behind (the kit stopped them): a refused start must create nothing`);
}
