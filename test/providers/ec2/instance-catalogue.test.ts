import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archOf, ec2Arch, fetchCatalogue } from '../../../providers/ec2/instance-catalogue.js';
import { onDemandPrice, pricedInstanceTypes } from '../../../providers/ec2/price-table.js';
import type { InstanceType } from '../../../src/index.js';
import { fakeEc2Api, startFakeAws, type FakeAws } from './fixtures.js';

// A region that has a few of the priced types, offers one of them nowhere (c5.large), and
// has a type the price table does not know (x2gd.medium).
const aws: FakeAws = await startFakeAws({
  instanceTypes: [
    { name: 't3.micro', vcpus: 2, memoryMiB: 1024, architecture: 'x86_64' },
    { name: 't3.small', vcpus: 2, memoryMiB: 2048, architecture: 'x86_64' },
    { name: 't4g.small', vcpus: 2, memoryMiB: 2048, architecture: 'arm64' },
    { name: 'm5.large', vcpus: 2, memoryMiB: 8192, architecture: 'x86_64' },
    { name: 'c5.large', vcpus: 2, memoryMiB: 4096, architecture: 'x86_64' },
    { name: 'x2gd.medium', vcpus: 1, memoryMiB: 16384, architecture: 'arm64' },
  ],
  offerings: {
    'us-east-1a': ['t3.micro', 'm5.large', 'x2gd.medium'],
    'us-east-1b': ['t3.micro', 't4g.small'],
    'us-east-1c': ['t3.micro', 't3.small'],
  },
});
const api = fakeEc2Api(aws.ec2);

function priced(region: string, type: Omit<InstanceType, 'pricePerHour'>): InstanceType {
  const price = onDemandPrice(region, type.name);
  assert.ok(price !== undefined, `the price table knows ${type.name} in ${region}`);
  return { ...type, pricePerHour: price };
}

function offeredIn(region: string): InstanceType[] {
  return [
    priced(region, { name: 'm5.large', arch: 'amd64', cores: 2, memoryMiB: 8192, zones: ['us-east-1a'] }),
    priced(region, { name: 't3.micro', arch: 'amd64', cores: 2, memoryMiB: 1024, zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }),
    priced(region, { name: 't3.small', arch: 'amd64', cores: 2, memoryMiB: 2048, zones: ['us-east-1c'] }),
    priced(region, { name: 't4g.small', arch: 'arm64', cores: 2, memoryMiB: 2048, zones: ['us-east-1b'] }),
  ];
}

const byName = (types: readonly InstanceType[]): InstanceType[] => [...types].sort((a, b) => a.name.localeCompare(b.name));
const actionsSince = (from: number): string[] => aws.ec2.requests.slice(from).map((r) => r.action);

describe('ec2 provider: the instance type catalogue', () => {
  it('lists the priced types the region offers, with zones from the offerings, in exactly two calls', async () => {
    const from = aws.ec2.requests.length;
    const catalogue = await fetchCatalogue({ api, region: 'us-east-1' });
    assert.deepEqual(byName(catalogue), offeredIn('us-east-1'));
    assert.equal(catalogue.find((type) => type.name === 't3.micro')?.pricePerHour, 0.0104);
    assert.ok(!catalogue.some((type) => type.name === 'c5.large'), 'a type no zone offers is absent');

    const calls = aws.ec2.requests.slice(from);
    assert.deepEqual(calls.map((r) => `${r.action} ${r.status}`), ['DescribeInstanceTypeOfferings 200', 'DescribeInstanceTypes 200']);
    const [offerings, types] = calls;
    assert.ok(offerings !== undefined && types !== undefined);
    assert.equal(offerings.params['LocationType'], 'availability-zone');
    assert.equal(offerings.params['Filter.1.Name'], 'instance-type');
    const asked = Object.entries(offerings.params).filter(([key]) => key.startsWith('Filter.1.Value.')).map(([, value]) => value);
    assert.deepEqual(asked.sort(), [...pricedInstanceTypes].sort(), 'offerings are asked for every priced type at once');
    const described = Object.entries(types.params).filter(([key]) => key.startsWith('InstanceType.')).map(([, value]) => value);
    assert.deepEqual(described.sort(), ['m5.large', 't3.micro', 't3.small', 't4g.small'], 'only offered types are described, so the call cannot fail on a name');
  });

  it('prices the types for the region asked about', async () => {
    const catalogue = await fetchCatalogue({ api, region: 'eu-west-1' });
    assert.deepEqual(byName(catalogue), offeredIn('eu-west-1'));
    assert.equal(catalogue.find((type) => type.name === 't3.micro')?.pricePerHour, 0.0115);
    const unpriced = await fetchCatalogue({ api, region: 'xx-nowhere-1' });
    assert.ok(unpriced.length === 4 && unpriced.every((type) => type.pricePerHour === undefined), 'a region the table does not know: no prices');
  });

  it('fetches an included type outside the price table, unpriced, and drops one the region lacks, still in two calls', async () => {
    const from = aws.ec2.requests.length;
    const catalogue = await fetchCatalogue({ api, region: 'us-east-1', include: ['x2gd.medium', 'u-9tb1.no-such', 't3.micro'] });
    assert.deepEqual(byName(catalogue), byName([...offeredIn('us-east-1'), { name: 'x2gd.medium', arch: 'arm64', cores: 1, memoryMiB: 16384, zones: ['us-east-1a'] }]));
    assert.ok(!('pricePerHour' in (catalogue.find((type) => type.name === 'x2gd.medium') ?? {})));
    assert.deepEqual(actionsSince(from), ['DescribeInstanceTypeOfferings', 'DescribeInstanceTypes']);
  });

  it('names architectures as constraints do', () => {
    const cases: { supported: readonly string[]; arch: string | undefined }[] = [
      { supported: ['x86_64'], arch: 'amd64' },
      { supported: ['i386', 'x86_64'], arch: 'amd64' },
      { supported: ['arm64'], arch: 'arm64' },
      { supported: ['arm64_mac'], arch: undefined },
      { supported: ['x86_64_mac'], arch: undefined },
      { supported: [], arch: undefined },
    ];
    for (const { supported, arch } of cases) assert.equal(archOf(supported), arch, supported.join(','));
    assert.deepEqual(['amd64', 'arm64'].map(ec2Arch), ['x86_64', 'arm64']);
  });
});

describe('ec2 provider: Ec2Environ.instanceTypes', () => {
  it('fetches the catalogue once per environ, concurrent callers included', async () => {
    const environ = aws.environ();
    const from = aws.ec2.requests.length;
    const [first, concurrent] = await Promise.all([environ.instanceTypes({}), environ.instanceTypes({})]);
    assert.deepEqual(byName(first), offeredIn('us-east-1'));
    assert.equal(concurrent, first);
    assert.deepEqual(actionsSince(from), ['DescribeInstanceTypeOfferings', 'DescribeInstanceTypes']);
    const again = aws.ec2.requests.length;
    assert.equal(await environ.instanceTypes({}), first);
    assert.equal(await environ.instanceTypes({ include: ['t3.micro'] }), first, 'a type already listed needs no call');
    assert.deepEqual(actionsSince(again), []);
  });

  it('adds an included type outside the catalogue, and leaves out one the region lacks', async () => {
    const environ = aws.environ();
    await environ.instanceTypes({});
    const from = aws.ec2.requests.length;
    const withExtra = await environ.instanceTypes({ include: ['x2gd.medium', 'u-9tb1.no-such'] });
    assert.deepEqual(
      byName(withExtra),
      byName([...offeredIn('us-east-1'), { name: 'x2gd.medium', arch: 'arm64', cores: 1, memoryMiB: 16384, zones: ['us-east-1a'] }]),
    );
    assert.deepEqual(actionsSince(from), ['DescribeInstanceTypeOfferings', 'DescribeInstanceTypes']);
    const plain = await environ.instanceTypes({});
    assert.deepEqual(byName(plain), offeredIn('us-east-1'), 'an include does not change what later callers see');
  });

  it('fetches an included type outside the catalogue once per environ', async () => {
    const environ = aws.environ();
    await environ.instanceTypes({ include: ['x2gd.medium'] });
    const from = aws.ec2.requests.length;
    await environ.instanceTypes({ include: ['x2gd.medium'] });
    assert.deepEqual(actionsSince(from), []);
  });
});
