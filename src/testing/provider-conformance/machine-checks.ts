import assert from 'node:assert/strict';
import { isOwnedBy, isZoned, type Instance } from '../../provider/index.js';
import type { CheckContext } from './params.js';
import { waitUntilUnlisted, withTestMachine } from './test-machine.js';

/** Every tag given at creation that `instance` lacks or has with another value, as `key=wanted (has …)`. */
function missingTags(instance: Instance, wanted: Readonly<Record<string, string>>): string[] {
  return Object.entries(wanted).flatMap(([key, value]) => {
    const has = instance.tags[key];
    return has === value ? [] : [`${key}=${value} (has ${has === undefined ? 'none' : JSON.stringify(has)})`];
  });
}

export async function checkStartedInstanceListed(context: CheckContext): Promise<void> {
  const { environ } = context;
  await withTestMachine(context, { machineId: '1' }, async (machine) => {
    const { id } = machine;
    assert.ok(id !== '', 'startInstance returned an instance without an id');
    const status = machine.started.instance.status;
    assert.ok(status !== 'failed' && status !== 'terminated', `startInstance returned instance ${id} already ${status}`);
    const listed = (await environ.allInstances({})).find((instance) => instance.id === id);
    assert.ok(listed !== undefined, `instance ${id} was started, but the very next allInstances does not list it: destroy finds machines by that listing`);
    const [viewed] = await environ.instances({ ids: [id] });
    assert.ok(viewed !== undefined, `instance ${id} was started, but instances({ ids: [${id}] }) says it does not exist`);
    assert.equal(viewed.id, id, 'instances answered with another instance');
    for (const [source, instance] of [['allInstances', listed], ['instances', viewed]] as const) {
      const missing = missingTags(instance, machine.tags);
      assert.deepEqual(missing, [], `instance ${id} as ${source} reports it lacks tags given at creation: ${missing.join(', ')}`);
      assert.ok(isOwnedBy(instance.tags, environ.environment), `instance ${id} as ${source} reports it is not owned by the environment`);
    }
    const reportedType = viewed.hardware?.instanceType;
    if (machine.instanceType !== undefined && reportedType !== undefined) {
      assert.equal(reportedType, machine.instanceType, `instance ${id} was started as ${machine.instanceType} but reports ${reportedType}`);
    }
  });
}

export async function checkZonesHonoured(context: CheckContext): Promise<void> {
  const { environ, t } = context;
  if (!isZoned(environ)) {
    t.skip(`${environ.provider} has no zones ability (availabilityZones, instanceZones, deriveZones): nothing to check`);
    return;
  }
  const zones = await environ.availabilityZones({});
  assert.ok(zones.length > 0, 'availabilityZones is empty: a zoned Environ has at least one zone');
  assert.ok(zones.some((zone) => zone.available), `no zone is available: ${zones.map((zone) => zone.name).join(', ')}`);
  const names = zones.map((zone) => zone.name);
  assert.equal(new Set(names).size, names.length, `availabilityZones names a zone twice: ${names.join(', ')}`);
  // The last usable zone: a provider that ignores the zone asked for and uses its first fails here.
  await withTestMachine(context, { machineId: '1', prefer: 'last' }, async (machine) => {
    const { id, zone } = machine;
    const startedIn = machine.started.instance.zone;
    assert.ok(startedIn === undefined || startedIn === zone, `instance ${id} was started in ${String(zone)} but startInstance says ${startedIn}`);
    const [viewed] = await environ.instances({ ids: [id] });
    assert.equal(viewed?.zone, zone, `instance ${id} was started in ${String(zone)} but instances reports zone ${String(viewed?.zone)}`);
    assert.deepEqual(await environ.instanceZones({ ids: [id] }), [zone], `instanceZones disagrees with the zone ${String(zone)} instance ${id} was started in`);
  });
}

export async function checkStopUntilGone(context: CheckContext): Promise<void> {
  const { environ } = context;
  await withTestMachine(context, { machineId: '1' }, async ({ id }) => {
    await environ.stopInstances({ ids: [id], waitUntilGone: true });
    await waitUntilUnlisted(environ, id, context.params.goneTimeoutMs ?? 60_000);
    const [after] = await environ.instances({ ids: [id] });
    assert.ok(after === undefined || after.status === 'terminated', `instance ${id} is stopped and unlisted, but instances reports it ${String(after?.status)}`);
    await environ.stopInstances({ ids: [id] });
    await environ.stopInstances({ ids: [id], waitUntilGone: true });
  });
}
