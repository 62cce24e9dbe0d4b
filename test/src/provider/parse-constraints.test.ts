import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  formatConstraints,
  mergeConstraints,
  parseConstraints,
  validateConstraints,
  type Constraints,
} from '../../../src/index.js';

describe('parseConstraints', () => {
  const accepted: [string, Constraints][] = [
    ['', {}],
    ['   ', {}],
    ['arch=amd64', { arch: 'amd64' }],
    ['arch=riscv64', { arch: 'riscv64' }],
    ['cores=2', { cores: 2 }],
    ['cpu-cores=4', { cores: 4 }],
    ['mem=4096', { memoryMiB: 4096 }],
    ['mem=512M', { memoryMiB: 512 }],
    ['mem=4G', { memoryMiB: 4096 }],
    ['mem=4g', { memoryMiB: 4096 }],
    ['mem=1.5G', { memoryMiB: 1536 }],
    ['mem=0.1G', { memoryMiB: 103 }],
    ['mem=.5G', { memoryMiB: 512 }],
    ['mem=1.5', { memoryMiB: 2 }],
    ['root-disk=2T', { rootDiskMiB: 2 * 1024 * 1024 }],
    ['root-disk=1P', { rootDiskMiB: 1024 ** 3 }],
    ['instance-type=t3.medium', { instanceType: 't3.medium' }],
    ['zones=a,b,c', { zones: ['a', 'b', 'c'] }],
    [
      ' arch=arm64\tcores=2  mem=4G root-disk=20G instance-type=m6g.large zones=us-east-1a\n',
      { arch: 'arm64', cores: 2, memoryMiB: 4096, rootDiskMiB: 20_480, instanceType: 'm6g.large', zones: ['us-east-1a'] },
    ],
  ];
  for (const [text, expected] of accepted) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseConstraints(text), expected);
    });
  }

  const refused: [string, string, RegExp][] = [
    ['an unknown key, with a hint', 'memory=4G', /"memory=4G": unknown constraint "memory"; did you mean "mem"\? supported: arch, cores, mem, root-disk, instance-type, zones/],
    ['a misspelt key', 'cors=2', /"cors=2": unknown constraint "cors"; did you mean "cores"\?/],
    ['a snake_case key', 'instance_type=t3.micro', /did you mean "instance-type"\?/],
    ['a Juju constraint envboot lacks', 'cpu-power=100', /"cpu-power=100": envboot does not support Juju's cpu-power constraint; supported: arch/],
    ['a word without "="', 'cores', /"cores": no "=" and no value; write e.g. cores=2/],
    ['a word that is not key=value', 'big', /"big": not key=value; constraints are space-separated key=value words, e.g. "cores=2 mem=4G"/],
    ['a colon for "="', 'mem:4G', /"mem:4G": write key=value with "=", not ":", e.g. mem=4G/],
    ['nothing before "="', '=4G', /"=4G": nothing before "="/],
    ['an empty value', 'mem=', /"mem=": no value after "="; write e.g. mem=4G, or leave mem out for no requirement/],
    ['commas between constraints', 'cores=2,mem=4G', /"cores=2,mem=4G": separate constraints with spaces, not commas/],
    ['a doubled "="', 'mem==4G', /"mem==4G": more than one "="/],
    ['a non-number', 'cores=two', /"cores=two": must be a whole number of cores, at least 1, e.g. cores=2/],
    ['fractional cores', 'cores=1.5', /"cores=1.5": must be a whole number of cores/],
    ['negative cores', 'cores=-1', /"cores=-1": must not be negative/],
    ['zero cores', 'cores=0', /"cores=0": must be at least 1; leave cores out/],
    ['a negative size', 'mem=-4G', /"mem=-4G": must not be negative; write a number with an optional M, G, T or P suffix/],
    ['a bad size', 'root-disk=lots', /"root-disk=lots": not a size; write a number with an optional M, G, T or P suffix \(binary units; no suffix means MiB\)/],
    ['a two-letter unit', 'mem=4GB', /"mem=4GB": did you mean mem=4G\? sizes take a single-letter suffix/],
    ['an IEC unit', 'mem=4GiB', /"mem=4GiB": did you mean mem=4G\?/],
    ['kilobytes', 'mem=512K', /"mem=512K": the smallest unit is M/],
    ['a zero size', 'mem=0', /"mem=0": must be more than zero; leave mem out/],
    ['a bad arch', 'arch=sparc', /"arch=sparc": unsupported architecture; accepted: amd64, arm64, ppc64el, s390x, riscv64/],
    ['an arch alias', 'arch=x86_64', /"arch=x86_64": unsupported architecture; did you mean arch=amd64\? accepted: amd64/],
    ['a 32-bit arch', 'arch=i386', /"arch=i386": unsupported architecture; did you mean arch=amd64\?/],
    ['an upper-case arch', 'arch=ARM64', /did you mean arch=arm64\?/],
    ['a duplicate key', 'cores=2 cores=4', /"cores=4": cores is already set by "cores=2"; give each constraint once/],
    ['a key and its alias', 'cpu-cores=2 cores=4', /"cores=4": cores is already set by "cpu-cores=2"/],
    ['an empty zone', 'zones=a,,b', /"zones=a,,b": has an empty zone name/],
    ['a zone listed twice', 'zones=a,b,a', /"zones=a,b,a": zone "a" is listed twice/],
  ];
  for (const [name, text, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseConstraints(text),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(error.message, message);
          assert.match(error.message, /^invalid constraints "/);
          return true;
        },
      );
    });
  }

  it('reports every problem at once, in order, each quoting its word', () => {
    const result = validateConstraints('cores=x mem=4Q arch=sparc zones=a cores=2 foo');
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => [p.path, p.message.split(':')[0]]),
      [
        ['', '"cores=x"'],
        ['', '"mem=4Q"'],
        ['', '"arch=sparc"'],
        ['', '"cores=2"'],
        ['', '"foo"'],
      ],
    );
    assert.throws(
      () => parseConstraints('cores=x mem=4Q'),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 2,
    );
  });
});

describe('formatConstraints', () => {
  const cases: [Constraints, string][] = [
    [{}, ''],
    [{ zones: [] }, ''],
    [{ memoryMiB: 4096, cores: 2 }, 'cores=2 mem=4G'],
    [{ memoryMiB: 1536 }, 'mem=1536M'],
    [{ rootDiskMiB: 1024 ** 3 }, 'root-disk=1P'],
    [{ rootDiskMiB: 3 * 1024 ** 2 }, 'root-disk=3T'],
    [
      { zones: ['a', 'b'], instanceType: 't3.micro', rootDiskMiB: 20_480, memoryMiB: 512, cores: 1, arch: 'arm64' },
      'arch=arm64 cores=1 mem=512M root-disk=20G instance-type=t3.micro zones=a,b',
    ],
  ];
  for (const [constraints, expected] of cases) {
    it(`writes ${JSON.stringify(expected)}`, () => {
      assert.equal(formatConstraints(constraints), expected);
    });
  }

  it('is the inverse of parseConstraints', () => {
    for (const text of ['', 'arch=s390x cores=8 mem=1.5G root-disk=100G instance-type=x zones=z1,z2', 'cpu-cores=2 mem=700']) {
      const parsed = parseConstraints(text);
      assert.deepEqual(parseConstraints(formatConstraints(parsed)), parsed, text);
    }
  });
});

describe('mergeConstraints', () => {
  const cases: [string, string, string, string][] = [
    ['override wins per field', 'cores=2 mem=4G arch=amd64', 'cores=4', 'arch=amd64 cores=4 mem=4G'],
    ['an empty override keeps the base', 'cores=2 zones=a', '', 'cores=2 zones=a'],
    ['zones are replaced, not joined', 'zones=a,b', 'zones=c', 'zones=c'],
    ['an instance type drops the base cores and memory', 'cores=2 mem=4G root-disk=20G', 'instance-type=t3.large', 'root-disk=20G instance-type=t3.large'],
    ['cores drop the base instance type', 'instance-type=t3.small arch=arm64', 'cores=8', 'arch=arm64 cores=8'],
    ['memory drops the base instance type', 'instance-type=t3.small', 'mem=16G', 'mem=16G'],
    ['an override may set both', 'instance-type=a cores=1', 'instance-type=b mem=2G', 'mem=2G instance-type=b'],
  ];
  for (const [name, base, override, expected] of cases) {
    it(name, () => {
      assert.equal(formatConstraints(mergeConstraints(parseConstraints(base), parseConstraints(override))), expected);
    });
  }

  it('leaves both inputs unchanged', () => {
    const base = parseConstraints('instance-type=a');
    mergeConstraints(base, parseConstraints('cores=2'));
    assert.deepEqual(base, { instanceType: 'a' });
  });
});
