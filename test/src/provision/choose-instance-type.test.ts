import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseInstanceType, type Constraints, type InstanceType } from '../../../src/index.js';

const catalogue: InstanceType[] = [
  { name: 'm.large', arch: 'amd64', cores: 2, memoryMiB: 8192, pricePerHour: 0.096 },
  { name: 't.medium', arch: 'amd64', cores: 2, memoryMiB: 4096, pricePerHour: 0.0416 },
  { name: 't.micro', arch: 'amd64', cores: 1, memoryMiB: 1024, pricePerHour: 0.0104 },
  { name: 'g.medium', arch: 'arm64', cores: 1, memoryMiB: 4096, pricePerHour: 0.0336, zones: ['b'] },
  { name: 'x.unpriced', arch: 'amd64', cores: 1, memoryMiB: 512 },
  { name: 'c.small-disk', arch: 'amd64', cores: 4, memoryMiB: 4096, pricePerHour: 0.02, maxRootDiskMiB: 8192 },
];

describe('chooseInstanceType', () => {
  const cases: [string, Constraints, string][] = [
    ['no constraints: the cheapest priced type', {}, 't.micro'],
    ['memory lower bound', { memoryMiB: 4096 }, 'c.small-disk'],
    ['root disk beyond a type limit skips it', { memoryMiB: 4096, rootDiskMiB: 20_480 }, 'g.medium'],
    ['arch must match exactly', { arch: 'arm64' }, 'g.medium'],
    ['the cheapest of several fitting types', { arch: 'amd64', cores: 2, memoryMiB: 4096, rootDiskMiB: 20_480 }, 't.medium'],
    ['instance-type overrides the search', { instanceType: 'm.large', cores: 1 }, 'm.large'],
    ['unpriced types come after priced ones', { memoryMiB: 512, cores: 1, arch: 'amd64', zones: ['a'] }, 't.micro'],
  ];
  for (const [name, constraints, expected] of cases) {
    it(name, () => {
      assert.equal(chooseInstanceType({ catalogue, constraints }).name, expected);
    });
  }

  it('names the constraints nothing satisfies, and an unknown type', () => {
    assert.throws(() => chooseInstanceType({ catalogue, constraints: { cores: 32, memoryMiB: 1024 } }), {
      code: 'CONFIG_INVALID',
      message: /no instance type satisfies the constraints cores=32 mem=1024M; relax them/,
    });
    assert.throws(() => chooseInstanceType({ catalogue, constraints: { instanceType: 'z.huge' } }), {
      code: 'CONFIG_INVALID',
      message: /"z.huge" is not offered here; choose one of: m.large, t.medium/,
    });
    assert.throws(() => chooseInstanceType({ catalogue, constraints: { arch: 'arm64', zones: ['a'] } }), { code: 'CONFIG_INVALID' });
  });
});
