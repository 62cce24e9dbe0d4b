import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createToyProvider } from '../../examples/toy-cloud/toy-provider.js';
import { addMachines, bootstrap, destroy, generateSshKeyPair, type Environ, type EnvironmentIdentity } from '../../src/index.js';
import { describeProviderConformance } from '../../src/testing/index.js';

const toy = createToyProvider();
after(() => toy.close());

/** Each environment's full zones, by UUID: the toy reads its config's full-zones at every start, so `refuseZone` can fill a zone at run time. */
const fullZones = new Map<string, string[]>();

async function openToy(config: unknown = {}, environment: EnvironmentIdentity = { name: `toy-${randomUUID().slice(0, 6)}`, uuid: randomUUID() }) {
  const checked = toy.validateConfig({ config });
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  const full = fullZones.get(environment.uuid) ?? [...checked.config.fullZones];
  fullZones.set(environment.uuid, full);
  return toy.open({ environment, config: { ...checked.config, fullZones: full }, dataDir: '/nonexistent' });
}

function refuseZone(environ: Environ, zone: string): Promise<() => Promise<void>> {
  const full = fullZones.get(environ.environment.uuid);
  assert.ok(full !== undefined, `environment ${environ.environment.uuid} was not opened by openToy`);
  full.push(zone);
  return Promise.resolve(() => {
    const at = full.lastIndexOf(zone);
    if (at >= 0) full.splice(at, 1);
    return Promise.resolve();
  });
}

const fast = { refreshMinMs: 5, refreshMaxMs: 20 };

describeProviderConformance({
  name: 'the example toy-cloud provider',
  open: async () => {
    const environ = await openToy();
    return { environ, reopen: () => openToy({}, environ.environment) };
  },
  census: toy.census,
  provider: toy,
  // Three mistakes, three paths, in one pass.
  invalidConfigs: [{ config: { zones: 'toy-a', 'full-zones': [1], colour: 'blue' }, paths: ['zones', 'full-zones', 'colour'] }],
  refuseZone,
  waitSsh: { timeoutMs: 20_000, tunables: fast },
  goneTimeoutMs: 2_000,
});

describe('the example toy-cloud provider gets the common flows for free', () => {
  it('bootstraps with zone fail-over, adds machines across zones, and destroys everything', async () => {
    const environ = await openToy({ zones: ['toy-a', 'toy-b', 'toy-c'], 'full-zones': ['toy-a'] });
    const clientKey = generateSshKeyPair({ comment: 'toy' });
    const booted = await bootstrap({ environ, clientKey, timeouts: { waitSshTunables: fast } });
    assert.equal(booted.controller.zone, 'toy-b', 'the full zone was skipped');
    const added = await addMachines({ environ, count: 2, clientKey, timeouts: { waitSshTunables: fast } });
    assert.deepEqual(added.failures, []);
    assert.ok(added.machines.every((m) => m.zone !== 'toy-a'), 'no machine went to the full zone');
    assert.ok(added.machines.some((m) => m.zone === 'toy-c'), 'machines are spread to the least-populated zone');
    const result = await destroy({ environ });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(await environ.allInstances({}), []);
  });
});
