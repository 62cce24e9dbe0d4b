import assert from 'node:assert/strict';
import { destroy } from '../../destroy/index.js';
import { messageOf } from '../../errors/index.js';
import type { Environ } from '../../provider/index.js';
import { withOtherEnvironment } from './other-environment.js';
import type { CheckContext } from './params.js';
import { withTestMachine, type TestMachine } from './test-machine.js';

const ownOnly = "only instances carrying this environment's tag (isOwnedBy)";

function nameOf(environ: Environ): string {
  return `environment ${environ.environment.name} (${environ.environment.uuid})`;
}

/**
 * Two environments on one provider, one machine in each: each lists and shows only its
 * own; a stop given the other's id changes nothing; destroying one leaves the other's
 * machine running. The ownership rule every destroy and cleanup relies on.
 */
export async function checkOwnershipIsolation(context: CheckContext): Promise<void> {
  const { environ } = context;
  // The second environment first: its clean check must not meet this one's machine.
  await withOtherEnvironment(context, (other) =>
    withTestMachine(context, { machineId: '1' }, (mine) =>
      withTestMachine(other, { machineId: '1' }, async (theirs) => {
        await assertListsOnlyItsOwn(environ, mine, theirs);
        await assertListsOnlyItsOwn(other.environ, theirs, mine);
        await environ.stopInstances({ ids: [theirs.id], waitUntilGone: true }).catch((error: unknown) => {
          assert.fail(
            `stopInstances of ${nameOf(environ)} given instance ${theirs.id} of another environment failed (${messageOf(error)}): ` +
              "another environment's id is an unknown id, whose stop succeeds doing nothing",
          );
        });
        const spared = { owner: other.environ, victim: theirs };
        await assertSpared(context, spared, `stopInstances({ ids: [${theirs.id}] }) of ${nameOf(environ)}`);
        await environ.stopInstances({ ids: [mine.id], waitUntilGone: true });
        await destroy({ environ });
        await assertSpared(context, spared, `destroying ${nameOf(environ)} (envboot destroy: its instances, teardown, storage)`);
      }),
    ),
  );
}

async function assertListsOnlyItsOwn(environ: Environ, own: TestMachine, others: TestMachine): Promise<void> {
  const listed = (await environ.allInstances({})).map((instance) => instance.id);
  assert.ok(
    !listed.includes(others.id),
    `allInstances of ${nameOf(environ)} lists instance ${others.id} of another environment: list ${ownOnly}; ` +
      "destroy stops everything allInstances lists, so it would destroy another environment's machine",
  );
  assert.ok(listed.includes(own.id), `allInstances of ${nameOf(environ)} does not list its own instance ${own.id}`);
  const [shown] = await environ.instances({ ids: [others.id] });
  assert.equal(
    shown,
    undefined,
    `instances({ ids: [${others.id}] }) of ${nameOf(environ)} shows another environment's instance: answer ${ownOnly}, and undefined for any other id, as for an unknown one`,
  );
}

/** After `what` was done in another environment, `victim` (of `owner`) must still be listed, shown, and with a census live. */
async function assertSpared(context: CheckContext, spared: { owner: Environ; victim: TestMachine }, what: string): Promise<void> {
  const { owner, victim } = spared;
  const broke = `${what} stopped instance ${victim.id} of ${nameOf(owner)}: stop ${ownOnly}, and treat any other id as unknown (success, nothing done)`;
  const listed = (await owner.allInstances({})).some((instance) => instance.id === victim.id);
  assert.ok(listed, `${broke}; its own environment no longer lists it`);
  const [shown] = await owner.instances({ ids: [victim.id] });
  assert.ok(shown !== undefined && shown.status !== 'terminated', `${broke}; its own environment shows it ${shown?.status ?? 'gone'}`);
  const census = context.params.census;
  if (census !== undefined) assert.ok((await census.live()).includes(victim.id), `${broke}; the census no longer counts it as live`);
}
