import assert from 'node:assert/strict';
import { bootstrap } from '../../bootstrap/index.js';
import { destroy } from '../../destroy/index.js';
import { ErrorCode, messageOf } from '../../errors/index.js';
import { isZoned } from '../../provider/index.js';
import type { FlowEvent } from '../../provision/index.js';
import type { CheckContext } from './params.js';
import { kitTimeouts } from './reach-machine.js';
import { placementFor, plannedStart } from './test-machine.js';

const capacityRule =
  `a start refused for lack of room in a zone must fail with ${ErrorCode.CapacityUnavailable} (CapacityError, naming the zone), ` +
  'not a zone-independent error, so that bootstrap and add-machine try the next zone';

/**
 * With `params.refuseZone` on a zoned environ with two usable zones or more: the first zone
 * bootstrap would try is made full; bootstrap must report the refused start with
 * `next: 'next-zone'` and end with the controller in another zone. Destroys the
 * environment and restores the zone, pass or fail.
 */
export async function checkZoneCapacity(context: CheckContext): Promise<void> {
  const { environ, params, t } = context;
  if (params.refuseZone === undefined) {
    t.skip('give `refuseZone` (make a zone refuse starts as full) to check that bootstrap fails over to the next zone');
    return;
  }
  if (!isZoned(environ)) {
    t.skip(`${environ.provider} has no zones ability (availabilityZones, instanceZones, deriveZones): no zone to fail over from`);
    return;
  }
  const [{ zone: first }, { zone: last }] = [await plannedStart(context, 'first'), await plannedStart(context, 'last')];
  if (first === undefined || first === last) {
    t.skip(`bootstrap has one usable zone at most here (${String(first)}): no zone to fail over to`);
    return;
  }
  const restore = await params.refuseZone(environ, first);
  try {
    const failure = await bootstrapAround(context, first).then(() => undefined, (error: unknown) => ({ error }));
    // bootstrap undoes a failed bootstrap itself; destroy removes a finished one.
    const destroyed = await destroy({ environ }).then(
      (result) => result,
      (error: unknown) => {
        // The bootstrap's failure names the broken rule: a failed clean-up after it must not hide it.
        if (failure === undefined) throw error;
        t.diagnostic(`destroying the environment after the failed bootstrap: ${messageOf(error)}`);
        return { failures: [] };
      },
    );
    const { failures } = destroyed;
    if (failure !== undefined) throw failure.error;
    assert.deepEqual(failures.map((f) => `${f.resource}: ${f.error.message}`), [], 'destroying the environment after the bootstrap left failures');
  } finally {
    await restore();
  }
}

async function bootstrapAround(context: CheckContext, full: string): Promise<void> {
  const events: FlowEvent[] = [];
  const booted = await bootstrap({
    environ: context.environ,
    constraints: context.params.constraints,
    placement: await placementFor(context, '0'),
    clientKey: context.clientKey,
    timeouts: kitTimeouts(context),
    onEvent: (event) => events.push(event),
  }).catch((error: unknown) => assert.fail(`bootstrap with zone ${full} full failed (${messageOf(error)}): ${capacityRule}`));
  const refused = events.find((e) => e.type === 'instance.start-failed' && e.zone === full);
  assert.ok(refused?.type === 'instance.start-failed', `bootstrap with zone ${full} full reported no refused start there: refuseZone must make the zone refuse starts`);
  assert.equal(refused.next, 'next-zone', `the start refused in full zone ${full} (${refused.code}: ${refused.message}) made bootstrap ${refused.next}: ${capacityRule}`);
  const zone = booted.controller.zone;
  assert.ok(zone !== undefined && zone !== full, `bootstrap with zone ${full} full left the controller in zone ${String(zone)}: it must start in the next zone and report that zone`);
}
