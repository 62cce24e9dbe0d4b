import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseInstanceType, instanceTypeChoice, type Constraints, type InstanceType } from '../../../src/index.js';

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

  it('names each constraint no type meets on its own, with the most the catalogue has and what to ask for', () => {
    const refusals: [Constraints, RegExp[]][] = [
      [{ cores: 32, memoryMiB: 1024 }, [/^cores=32: the most cores of an instance type here is 4 \(c\.small-disk\); ask for cores=4 or fewer/]],
      [{ memoryMiB: 65_536 }, [/^mem=64G: the most memory of an instance type here is 8 GiB \(m\.large\); ask for mem=8G or less/]],
      [{ arch: 's390x', cores: 64 }, [/^arch=s390x: no instance type here is s390x; they are amd64 or arm64: remove arch= or ask for arch=amd64/, /^cores=64:/]],
      [{ arch: 'arm64', zones: ['a'] }, [/^no instance type satisfies the constraints arch=arm64 zones=a together; relax one of them/]],
      [{ instanceType: 'z.huge' }, [/^instance type "z\.huge" is not offered here; choose one of: m\.large, t\.medium/]],
    ];
    for (const [constraints, messages] of refusals) {
      const choice = instanceTypeChoice({ catalogue, constraints });
      assert.ok(!choice.ok, JSON.stringify(constraints));
      assert.equal(choice.problems.length, messages.length, JSON.stringify(choice.problems));
      messages.forEach((message, index) => {
        assert.match(choice.problems[index]?.message ?? '', message);
      });
      assert.throws(() => chooseInstanceType({ catalogue, constraints }), { code: 'CONFIG_INVALID', message: messages[0] === undefined ? /./ : new RegExp(messages[0].source.slice(1)) });
    }
  });

  it('refuses a root disk beyond every type\'s limit, but not where a type has none', () => {
    const limited = catalogue.map((type) => ({ ...type, maxRootDiskMiB: 16_384 }));
    const choice = instanceTypeChoice({ catalogue: limited, constraints: { rootDiskMiB: 1_048_576 } });
    assert.ok(!choice.ok);
    assert.match(choice.problems[0]?.message ?? '', /^root-disk=1T: the largest root disk of an instance type here is 16 GiB \(m\.large\); ask for root-disk=16G or less/);
    assert.equal(chooseInstanceType({ catalogue, constraints: { rootDiskMiB: 1_048_576 } }).name, 't.micro', 'types without a limit take any root disk');
  });

  it('keeps to the types offered in the asked zones', () => {
    assert.equal(chooseInstanceType({ catalogue, constraints: { arch: 'arm64', zones: ['b'] } }).name, 'g.medium');
    const nowhere = instanceTypeChoice({ catalogue: catalogue.filter((type) => type.zones !== undefined), constraints: { zones: ['a'] } });
    assert.ok(!nowhere.ok);
    assert.match(nowhere.problems[0]?.message ?? '', /^zones=a: no instance type here is offered in that zone; choose other zones/);
  });
});
