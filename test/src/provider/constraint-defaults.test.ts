import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyConstraintDefaults, formatConstraintDefault, type ConstraintDefault, type Constraints } from '../../../src/index.js';

const amd64: ConstraintDefault = { field: 'arch', value: 'amd64', why: 'default' };
const memoryFloor: ConstraintDefault = { field: 'memoryMiB', value: 2048, why: 'controller default' };

describe('applyConstraintDefaults', () => {
  const cases: [string, Constraints, Constraints, readonly ConstraintDefault[]][] = [
    ['fills every unset field', {}, { arch: 'amd64', memoryMiB: 2048 }, [amd64, memoryFloor]],
    ['keeps what the operator set', { arch: 'arm64', cores: 2 }, { arch: 'arm64', cores: 2, memoryMiB: 2048 }, [memoryFloor]],
    ['lets a smaller memory figure win over the floor', { memoryMiB: 1024 }, { memoryMiB: 1024, arch: 'amd64' }, [amd64]],
    ['applies none when an instance type is named: it says its own arch and size', { instanceType: 't4g.nano' }, { instanceType: 't4g.nano' }, []],
    ['keeps zones as they are', { zones: ['us-east-1b'] }, { zones: ['us-east-1b'], arch: 'amd64', memoryMiB: 2048 }, [amd64, memoryFloor]],
  ];
  for (const [what, constraints, expected, applied] of cases) {
    it(what, () => {
      assert.deepEqual(applyConstraintDefaults(constraints, [amd64, memoryFloor]), { constraints: expected, applied });
    });
  }

  it('takes the first default of a field when a provider states two', () => {
    const arm: ConstraintDefault = { field: 'arch', value: 'arm64', why: "the image's architecture" };
    assert.deepEqual(applyConstraintDefaults({}, [arm, amd64]), { constraints: { arch: 'arm64' }, applied: [arm] });
  });
});

describe('formatConstraintDefault', () => {
  it('shows an exact value with = and a lower bound with ≥, each with why', () => {
    assert.equal(formatConstraintDefault(amd64), 'arch=amd64 (default)');
    assert.equal(formatConstraintDefault(memoryFloor), 'mem≥2G (controller default)');
    assert.equal(formatConstraintDefault({ field: 'memoryMiB', value: 1536, why: 'default' }), 'mem≥1536M (default)');
    assert.equal(formatConstraintDefault({ field: 'cores', value: 2, why: 'default' }), 'cores≥2 (default)');
    assert.equal(formatConstraintDefault({ field: 'rootDiskMiB', value: 20480, why: 'default' }), 'root-disk≥20G (default)');
  });
});
