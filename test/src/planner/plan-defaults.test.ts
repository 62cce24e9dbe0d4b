import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  planMachines,
  type ConstraintDefaults,
  type ConstraintDefaultsEnviron,
  type ConstraintDefaultsParams,
  type Environ,
  type InstanceType,
} from '../../../src/index.js';
import { createFakeProvider } from '../../../src/testing/index.js';

/** The cheapest type is a small arm64, as on EC2; the defaults must steer away from it. */
const catalogue: readonly InstanceType[] = [
  { name: 'arm-nano', arch: 'arm64', cores: 2, memoryMiB: 512, pricePerHour: 0.004 },
  { name: 'x86-nano', arch: 'amd64', cores: 2, memoryMiB: 512, pricePerHour: 0.005 },
  { name: 'arm-small', arch: 'arm64', cores: 2, memoryMiB: 2048, pricePerHour: 0.017 },
  { name: 'x86-small', arch: 'amd64', cores: 2, memoryMiB: 2048, pricePerHour: 0.019 },
];

/** A fake cloud whose Environ states amd64 (and for the controller 2 GiB) as defaults, and records what it was asked. */
function defaultingCloud(problems: ConstraintDefaults['problems'] = []): { environ: ConstraintDefaultsEnviron; asked: ConstraintDefaultsParams[] } {
  const fake = createFakeProvider({ instanceTypes: catalogue });
  after(() => fake.close());
  const inner = fake.openEnviron({ name: 'defaults', uuid: randomUUID() });
  const asked: ConstraintDefaultsParams[] = [];
  const constraintDefaults = (params: ConstraintDefaultsParams): Promise<ConstraintDefaults> => {
    asked.push(params);
    return Promise.resolve({
      defaults: [{ field: 'arch', value: 'amd64', why: 'default' }, ...(params.controller ? [{ field: 'memoryMiB' as const, value: 2048, why: 'controller default' }] : [])],
      problems,
    });
  };
  // The fake's methods use its private fields: each is bound to the fake itself.
  const environ = new Proxy<Environ>(inner, {
    get: (target, key) => {
      if (key === 'constraintDefaults') return constraintDefaults;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as ConstraintDefaultsEnviron;
  return { environ, asked };
}

describe('planMachines with a provider that states constraint defaults', () => {
  it('chooses the cheapest amd64 type for added machines and gives the controller its memory floor', async () => {
    const { environ, asked } = defaultingCloud();
    const added = await planMachines({ environ, constraints: {}, zoneOrder: 'spread' });
    assert.equal(added.instanceType, 'x86-nano');
    assert.deepEqual(added.constraints, { arch: 'amd64' });
    assert.deepEqual(added.machine().constraints, { arch: 'amd64' }, 'the start is handed the constraints with their defaults');
    const controller = await planMachines({ environ, constraints: {}, zoneOrder: 'fail-over', controller: true });
    assert.equal(controller.instanceType, 'x86-small');
    assert.deepEqual(controller.defaults.map((d) => d.field), ['arch', 'memoryMiB']);
    assert.deepEqual(asked.map((params) => params.controller), [false, true]);
  });

  it("yields to the operator's constraints: arch=, mem=, and a named instance type", async () => {
    const { environ } = defaultingCloud();
    const arm = await planMachines({ environ, constraints: { arch: 'arm64' }, zoneOrder: 'fail-over', controller: true });
    assert.equal(arm.instanceType, 'arm-small');
    assert.deepEqual(arm.defaults.map((d) => d.field), ['memoryMiB']);
    const small = await planMachines({ environ, constraints: { memoryMiB: 512 }, zoneOrder: 'fail-over', controller: true });
    assert.equal(small.instanceType, 'x86-nano');
    const named = await planMachines({ environ, constraints: { instanceType: 'arm-nano' }, zoneOrder: 'fail-over', controller: true });
    assert.equal(named.instanceType, 'arm-nano');
    assert.deepEqual(named.defaults, []);
  });

  it("reports the provider's problems with the planner's, and names the defaults in the error", async () => {
    const { environ } = defaultingCloud([{ path: '', message: 'arch=amd64: the configured image is arm64; ask for arch=arm64' }]);
    await assert.rejects(planMachines({ environ, constraints: { cores: 64 }, zoneOrder: 'fail-over', controller: true }), {
      code: 'CONFIG_INVALID',
      message: /^the fake provider cannot meet the constraints "cores=64" with the defaults arch=amd64 \(default\) mem≥2G \(controller default\) \(nothing was created\):\n {2}- arch=amd64: the configured image is arm64; ask for arch=arm64\n {2}- cores=64: the most cores/,
    });
  });
});
