import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHardware, refuseUnmetConstraints, type Constraints, type HardwareLimits } from '../../../src/index.js';

const host: HardwareLimits = {
  machine: 'a local machine',
  source: "this host's",
  arches: ['amd64'],
  maxCores: 2,
  maxMemoryMiB: 24_105,
  maxRootDiskMiB: 98_304,
};

describe('checkHardware', () => {
  const cases: [string, Constraints, HardwareLimits, string[], string[]][] = [
    ['nothing asked: nothing to refuse', {}, host, [], []],
    ['within the limits', { arch: 'amd64', cores: 2, memoryMiB: 4096, rootDiskMiB: 20_480 }, host, [], []],
    ['more cores than the host has', { cores: 64 }, host, ["cores=64: a local machine has at most 2 cores (this host's); ask for cores=2 or fewer"], []],
    ['more memory', { memoryMiB: 1024 ** 2 }, host, ["mem=1T: a local machine has at most 23.5 GiB of memory (this host's); ask for mem=23G or less"], []],
    ['a bigger root disk', { rootDiskMiB: 2 * 1024 ** 2 }, host, ["root-disk=2T: a local machine has at most a 96 GiB root disk (this host's); ask for root-disk=96G or less"], []],
    ['another architecture', { arch: 'arm64' }, host, ["arch=arm64: a local machine is amd64 (this host's); remove arch= or ask for arch=amd64"], []],
    [
      'an instance type, on a provider without a catalogue',
      { instanceType: 'm5.large' },
      host,
      ['instance-type=m5.large: the local provider has no instance types; ask for the hardware instead, e.g. cores=2 mem=4G'],
      [],
    ],
    [
      'every problem at once, in constraint order',
      { instanceType: 'm5.large', arch: 'arm64', cores: 64, memoryMiB: 1024 ** 2 },
      host,
      ['instance-type=m5.large', 'arch=arm64', 'cores=64', 'mem=1T'],
      [],
    ],
    [
      'figures the provider does not know are warned about, not refused',
      { cores: 64, memoryMiB: 4096, arch: 'arm64' },
      { machine: 'host root@203.0.113.7:22', source: 'as the host reports it', maxMemoryMiB: 2048, unknown: { cores: 'nproc gave no count' } },
      ['mem=4G: host root@203.0.113.7:22 has at most 2 GiB of memory (as the host reports it); ask for mem=2G or less'],
      [
        "arch=arm64 is not checked before the start: host root@203.0.113.7:22's architecture is not known",
        "cores=64 is not checked before the start: host root@203.0.113.7:22's number of cores is not known (nproc gave no count)",
      ],
    ],
  ];
  for (const [name, constraints, limits, problems, unchecked] of cases) {
    it(name, () => {
      const checked = checkHardware({ provider: 'local', constraints, limits });
      assert.equal(checked.problems.length, problems.length, JSON.stringify(checked.problems));
      checked.problems.forEach((problem, index) => {
        assert.ok(problem.message.startsWith(problems[index] ?? '?'), `${problem.message} does not start with ${problems[index] ?? '?'}`);
      });
      assert.deepEqual(checked.unchecked, unchecked);
    });
  }

  it('refuseUnmetConstraints throws one CONFIG_INVALID naming the provider, the constraints and every problem', () => {
    assert.throws(() => {
      refuseUnmetConstraints({ provider: 'local', constraints: { cores: 64, memoryMiB: 1024 ** 2 }, limits: host });
    }, (error: Error & { code?: string; problems?: unknown[] }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.problems?.length, 2);
      assert.match(error.message, /^the local provider cannot meet the constraints "cores=64 mem=1T" \(nothing was created\):\n {2}- cores=64: [^\n]+\n {2}- mem=1T: /);
      return true;
    });
    assert.doesNotThrow(() => {
      refuseUnmetConstraints({ provider: 'local', constraints: { cores: 1 }, limits: host });
    });
  });
});
