import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { planMachines, type Environ, type HardwareLimits, type HardwareLimitsParams, type InstanceType, type MachinePlan } from '../../../src/index.js';
import { createFakeProvider, fakeInstanceTypes, type FakeEnviron } from '../../../src/testing/index.js';
import { plainEnviron, zonedEnviron } from '../../fakes/environs.js';

/** `only-b` is offered in zone-b alone, as EC2 offers a new type in some zones first. */
const onlyInZoneB: InstanceType = { name: 'only-b', arch: 'amd64', cores: 8, memoryMiB: 32_768, maxRootDiskMiB: 1_048_576, pricePerHour: 0.5, zones: ['zone-b'] };

function fakeCloud(): FakeEnviron {
  const fake = createFakeProvider({ instanceTypes: [...fakeInstanceTypes, onlyInZoneB] });
  after(() => fake.close());
  return fake.openEnviron({ name: 'plan', uuid: randomUUID() });
}

/** The zones `count` machines of the plan would be tried in first. */
function firstZones(plan: MachinePlan, count: number): (string | undefined)[] {
  return Array.from({ length: count }, () => plan.machine().zones.pick()?.zone);
}

/** An environ without zones or catalogue whose machines have, per placement, the limits given. */
function limitedEnviron(limits: Readonly<Record<string, HardwareLimits>>): Environ & { asked: (string | undefined)[] } {
  const asked: (string | undefined)[] = [];
  return {
    ...plainEnviron(),
    asked,
    hardwareLimits: (params: HardwareLimitsParams) => {
      asked.push(params.placement);
      const found = limits[params.placement ?? ''];
      return found === undefined ? Promise.reject(new Error(`no host ${String(params.placement)}`)) : Promise.resolve(found);
    },
  } as Environ & { asked: (string | undefined)[] };
}

describe('planMachines', () => {
  it('keeps to the zones that offer the instance type, for bootstrap and add-machine alike', async () => {
    const environ = fakeCloud();
    const constraints = { instanceType: 'only-b' };
    const bootstrap = await planMachines({ environ, constraints, zoneOrder: 'fail-over' });
    assert.deepEqual(bootstrap.zones, ['zone-b']);
    assert.equal(bootstrap.instanceType, 'only-b');
    const picker = bootstrap.machine().zones;
    assert.deepEqual([picker.pick(), picker.pick()], [{ zone: 'zone-b' }, undefined], 'bootstrap tries zone-b once, and nothing else');
    const added = await planMachines({ environ, constraints, zoneOrder: 'spread' });
    assert.deepEqual(firstZones(added, 3), ['zone-b', 'zone-b', 'zone-b']);
    // Chosen by size, not by name: the cheapest type with 8 cores is the same one, and so are its zones.
    assert.deepEqual((await planMachines({ environ, constraints: { cores: 8 }, zoneOrder: 'spread' })).zones, ['zone-b']);
  });

  it("honours the constraints' zones= and lets --zone take their place", async () => {
    const environ = fakeCloud();
    assert.deepEqual(firstZones(await planMachines({ environ, constraints: { zones: ['zone-c'] }, zoneOrder: 'spread' }), 2), ['zone-c', 'zone-c']);
    const flagged = await planMachines({ environ, constraints: { zones: ['zone-c'] }, zones: ['zone-a', 'zone-b'], zoneOrder: 'fail-over' });
    assert.deepEqual(flagged.zones, ['zone-a', 'zone-b']);
  });

  it('spreads machines over the least populated zones, counting the batch it places', async () => {
    const zones = ['zone-a', 'zone-b', 'zone-c'].map((name) => ({ name, available: true }));
    const environ = zonedEnviron({ zones, placement: { i1: 'zone-a', i2: 'zone-a', i3: 'zone-c' } });
    assert.deepEqual(firstZones(await planMachines({ environ, constraints: {}, zoneOrder: 'spread' }), 4), ['zone-b', 'zone-b', 'zone-c', 'zone-a']);
    assert.deepEqual(environ.calls, ['availabilityZones', 'allInstances'], 'the zones are read once, then the allocation');
    assert.deepEqual(firstZones(await planMachines({ environ, constraints: {}, zoneOrder: 'fail-over' }), 1), ['zone-a'], 'bootstrap goes by name');
  });

  it('refuses unknown zones, from --zone and from zones=, naming the zones there are and what to fix', async () => {
    const environ = fakeCloud();
    await assert.rejects(planMachines({ environ, constraints: { zones: ['zone-z'] }, zoneOrder: 'spread' }), {
      code: 'CONFIG_INVALID',
      message: /^the fake provider cannot meet the constraints "zones=zone-z" \(nothing was created\):\n {2}- unknown zone "zone-z"; the zones here are: zone-a, zone-b, zone-c; fix zones= in the constraints$/,
    });
    await assert.rejects(planMachines({ environ, constraints: {}, zones: ['zone-y', 'zone-z'], zoneOrder: 'fail-over' }), {
      message: /cannot meet --zone zone-y,zone-z [^]*unknown zones "zone-y", "zone-z"; the zones here are: zone-a, zone-b, zone-c; fix --zone$/,
    });
    await assert.rejects(planMachines({ environ: plainEnviron(), constraints: { zones: ['a'] }, zoneOrder: 'spread' }), {
      message: /zones=a: the plain provider has no availability zones; remove zones= from the constraints/,
    });
  });

  it('says why no zone can take the machine: not available now, or not offering the type', async () => {
    const environ = fakeCloud();
    environ.faults.unavailableZones.add('zone-a');
    await assert.rejects(planMachines({ environ, constraints: {}, zones: ['zone-a'], zoneOrder: 'fail-over' }), {
      message: /no zone can take the machine: zone-a is not available now; choose other zones \(--zone\) or another instance type, or try again later/,
    });
    await assert.rejects(planMachines({ environ, constraints: { instanceType: 'only-b', zones: ['zone-c'] }, zoneOrder: 'spread' }), {
      message: /no zone can take the machine: zone-c does not offer instance type only-b; instance type only-b is offered in: zone-b; choose other zones \(zones=\)/,
    });
    environ.faults.unavailableZones.add('zone-b');
    await assert.rejects(planMachines({ environ, constraints: { instanceType: 'only-b' }, zoneOrder: 'fail-over' }), {
      message: /no zone can take the machine: zone-a is not available now; zone-b is not available now; zone-c does not offer instance type only-b; instance type only-b is offered in: zone-b; choose another instance type, or try again later/,
    });
  });

  it('reports every problem at once: a zone, a constraint no type meets', async () => {
    await assert.rejects(planMachines({ environ: fakeCloud(), constraints: { cores: 64, zones: ['zone-z'] }, zoneOrder: 'spread' }), (error: Error & { problems?: { message: string }[] }) => {
      assert.deepEqual(error.problems?.map((p) => p.message.slice(0, 18)), ['unknown zone "zone', 'cores=64: the most']);
      return true;
    });
  });

  it("checks the hardware asked for against each placement's limits, asking only when hardware is asked for", async () => {
    const host = (cores: number): HardwareLimits => ({ machine: `host ${String(cores)}`, source: 'as the host reports it', maxCores: cores, arches: ['amd64'] });
    const environ = limitedEnviron({ big: host(64), small: host(2) });
    await assert.rejects(planMachines({ environ, constraints: { cores: 8 }, placements: ['big', 'small', 'small'], zoneOrder: 'spread' }), (error: Error & { problems?: { message: string }[] }) => {
      assert.deepEqual(error.problems?.map((p) => p.message), ['cores=8: host 2 has at most 2 cores (as the host reports it); ask for cores=2 or fewer']);
      return true;
    });
    assert.deepEqual(environ.asked.sort(), ['big', 'small'], 'each host is asked once');
    const plan = await planMachines({ environ, constraints: {}, placements: ['small'], zoneOrder: 'fail-over' });
    assert.equal(environ.asked.length, 2, 'no hardware asked for: no host is asked');
    assert.deepEqual({ ...plan.machine('small'), zones: undefined }, { constraints: {}, instanceType: undefined, placement: 'small', zones: undefined });
    await assert.rejects(planMachines({ environ, constraints: { cores: 2 }, placements: ['gone'], zoneOrder: 'spread' }), /no host gone/);
  });

  it('warns, never silently, about hardware a provider cannot check, and refuses an instance type it lacks', async () => {
    const plan = await planMachines({ environ: plainEnviron(), constraints: { cores: 64, memoryMiB: 1024 ** 2 }, zoneOrder: 'fail-over' });
    assert.deepEqual(plan.warnings, ['the plain provider does not say what hardware its machines can have: cores=64 mem=1T is not checked before a machine starts']);
    await assert.rejects(planMachines({ environ: plainEnviron(), constraints: { instanceType: 'm5.large' }, zoneOrder: 'fail-over' }), {
      code: 'CONFIG_INVALID',
      message: /instance-type=m5\.large: the plain provider has no instance types; ask for the hardware instead, e\.g\. cores=2 mem=4G/,
    });
  });
});
