import { messageOf } from '../../errors/index.js';
import type { MachineCensus, ProviderFixture } from './params.js';

/**
 * After a check and the kit's sweep, the machines that still run: with a census, those
 * running now that were not before the check; without one, what a fresh Environ of the
 * environment (`reopen`) still lists. Each leak is a problem naming the rule it breaks,
 * and the kit stops it, so that a buggy provider cannot leave machines behind silently.
 */
export async function findLeaks(params: {
  readonly fixture: ProviderFixture;
  readonly census: MachineCensus | undefined;
  readonly runningBefore: ReadonlySet<string> | undefined;
}): Promise<Error[]> {
  try {
    const { census, runningBefore } = params;
    if (census !== undefined && runningBefore !== undefined) {
      const leaked = (await census.live()).filter((id) => !runningBefore.has(id));
      if (leaked.length === 0) return [];
      await census.stop(leaked);
      return [
        new Error(
          `machine(s) ${leaked.join(', ')} still run after the check stopped its machines and the kit stopped everything the environment listed ` +
            '(the kit stopped them through the census): stopInstances must stop what it is given, and allInstances must list every machine of the environment until it is gone',
        ),
      ];
    }
    const fresh = await params.fixture.reopen();
    const listed = await fresh.allInstances({});
    if (listed.length === 0) return [];
    const ids = listed.map((instance) => instance.id);
    await fresh.stopInstances({ ids, waitUntilGone: true });
    return [
      new Error(
        `a fresh Environ of the environment still lists ${ids.join(', ')} after the kit stopped everything the check's Environ listed (the kit stopped them again): ` +
          "listings must come from the provider's own record of its machines, shared by every Environ of the environment",
      ),
    ];
  } catch (error) {
    return [new Error(`looking for leaked machines: ${messageOf(error)}`, { cause: error })];
  }
}
