import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { availabilityZoneAllocations, tallyZones } from '../../../src/index.js';
import { zonedEnviron } from '../../fakes/environs.js';

const threeZones = [
  { name: 'az0', available: false },
  { name: 'az1', available: true },
  { name: 'az2', available: true },
];

describe('tallyZones', () => {
  const cases = [
    {
      name: 'orders by population, then by name',
      zones: [
        { name: 'c', available: true },
        { name: 'a', available: true },
        { name: 'b', available: true },
      ],
      placement: { i1: 'c', i2: 'c', i3: 'a' },
      want: [
        { zone: 'b', instances: [] },
        { zone: 'a', instances: ['i3'] },
        { zone: 'c', instances: ['i1', 'i2'] },
      ],
    },
    {
      name: 'breaks ties by zone name',
      zones: [
        { name: 'z', available: true },
        { name: 'm', available: true },
      ],
      placement: { i1: 'z', i2: 'm' },
      want: [
        { zone: 'm', instances: ['i2'] },
        { zone: 'z', instances: ['i1'] },
      ],
    },
    {
      name: 'leaves out unavailable zones and the instances in them',
      zones: threeZones,
      placement: { i0: 'az0', i1: 'az1', i2: 'az2' },
      want: [
        { zone: 'az1', instances: ['i1'] },
        { zone: 'az2', instances: ['i2'] },
      ],
    },
    {
      name: 'ignores instances in unknown zones or with no zone',
      zones: threeZones,
      placement: { i1: 'az1', i9: 'nowhere', i8: undefined },
      want: [
        { zone: 'az2', instances: [] },
        { zone: 'az1', instances: ['i1'] },
      ],
    },
    {
      name: 'is empty when no zone is available',
      zones: [{ name: 'az0', available: false }],
      placement: { i0: 'az0' },
      want: [],
    },
    {
      name: 'lists every available zone for an empty group',
      zones: threeZones,
      placement: {},
      want: [
        { zone: 'az1', instances: [] },
        { zone: 'az2', instances: [] },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const instances = Object.keys(c.placement);
      const placement = c.placement as Record<string, string | undefined>;
      const got = tallyZones({ zones: c.zones, instances, instanceZones: instances.map((id) => placement[id]) });
      assert.deepEqual(got, c.want);
    });
  }
});

describe('availabilityZoneAllocations', () => {
  it('counts every instance of the environment when no group is given', async () => {
    const environ = zonedEnviron({ zones: threeZones, placement: { i0: 'az0', i1: 'az1', i2: 'az2', i3: 'az2' } });
    const got = await availabilityZoneAllocations({ environ });
    assert.deepEqual(got, [
      { zone: 'az1', instances: ['i1'] },
      { zone: 'az2', instances: ['i2', 'i3'] },
    ]);
    assert.deepEqual(environ.calls, ['allInstances', 'availabilityZones'], 'zones come with the listing');
  });

  it('asks for the zones of listed instances only where the listing left them out', async () => {
    const environ = zonedEnviron({ zones: threeZones, placement: { i1: 'az1', i2: 'az2', i3: 'az2' } });
    const listed = await environ.allInstances({});
    environ.allInstances = () => Promise.resolve(listed.map((instance) => (instance.id === 'i3' ? { ...instance, zone: undefined } : instance)) as typeof listed);
    const asked: string[][] = [];
    const instanceZones = environ.instanceZones.bind(environ);
    environ.instanceZones = (params) => {
      asked.push([...params.ids]);
      return instanceZones(params);
    };
    const got = await availabilityZoneAllocations({ environ });
    assert.deepEqual(asked, [['i3']]);
    assert.deepEqual(got, [
      { zone: 'az1', instances: ['i1'] },
      { zone: 'az2', instances: ['i2', 'i3'] },
    ]);
  });

  it('counts only the group when one is given, skipping members that no longer exist', async () => {
    const environ = zonedEnviron({ zones: threeZones, placement: { i1: 'az1', i2: 'az2', i3: 'az2' } });
    const got = await availabilityZoneAllocations({ environ, group: ['i2', 'gone'] });
    assert.deepEqual(got, [
      { zone: 'az1', instances: [] },
      { zone: 'az2', instances: ['i2'] },
    ]);
    assert.ok(!environ.calls.includes('allInstances'));
  });

  it('does not ask for instance zones when the environment has no instances', async () => {
    const environ = zonedEnviron({ zones: threeZones, placement: {} });
    assert.equal((await availabilityZoneAllocations({ environ })).length, 2);
    assert.deepEqual(environ.calls, ['allInstances', 'availabilityZones']);
  });
});
