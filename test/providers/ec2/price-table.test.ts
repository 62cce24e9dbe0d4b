import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onDemandPrice, pricedInstanceTypes } from '../../../providers/ec2/price-table.js';

describe('onDemandPrice', () => {
  const prices: [string, string, number | undefined][] = [
    ['us-east-1', 't3.micro', 0.0104],
    ['us-east-1', 't3.nano', 0.0052],
    ['us-east-1', 't3.2xlarge', 0.3328],
    ['us-east-1', 't4g.small', 0.0168],
    ['us-east-1', 'm5.large', 0.096],
    ['us-east-1', 'm6g.medium', 0.0385],
    ['us-east-1', 'c6i.4xlarge', 0.68],
    ['us-east-1', 'r5.xlarge', 0.252],
    ['us-west-2', 't3.micro', 0.0104],
    ['eu-central-1', 'm5.large', 0.1123],
    ['us-east-1', 'm5.nano', undefined],
    ['us-east-1', 't3.8xlarge', undefined],
    ['us-east-1', 'x2iedn.metal', undefined],
    ['us-east-1', 't3', undefined],
    ['us-east-1', 't3.micro.extra', undefined],
    ['mars-north-1', 't3.micro', undefined],
    ['us-east-1', 'constructor.large', undefined],
    ['toString', 't3.micro', undefined],
  ];
  for (const [region, type, price] of prices) {
    it(`prices ${type} in ${region} at ${String(price)}`, () => {
      assert.equal(onDemandPrice(region, type), price);
    });
  }

  it('prices every listed type in every region, dearer than us-east-1 where AWS is dearer', () => {
    for (const region of ['eu-central-1', 'eu-west-2', 'ap-northeast-1', 'ap-southeast-2', 'sa-east-1', 'us-west-1']) {
      for (const type of pricedInstanceTypes) {
        const here = onDemandPrice(region, type);
        const base = onDemandPrice('us-east-1', type);
        assert.ok(here !== undefined && base !== undefined && here > base, `${type} in ${region}: ${String(here)} vs ${String(base)}`);
      }
    }
  });

  it('ranks sizes of one family by size, and Graviton below Intel of the same size', () => {
    for (const [smaller, larger] of [['t3.micro', 't3.small'], ['m7g.large', 'm7g.xlarge'], ['t4g.large', 't3.large'], ['c6g.large', 'c6i.large']] as const) {
      assert.ok((onDemandPrice('us-east-1', smaller) ?? Infinity) < (onDemandPrice('us-east-1', larger) ?? 0), `${smaller} < ${larger}`);
    }
  });

  it('rounds to 4 decimals', () => {
    for (const type of pricedInstanceTypes) {
      const price = onDemandPrice('sa-east-1', type) ?? 0;
      assert.equal(Math.round(price * 10_000) / 10_000, price, type);
    }
  });
});

describe('pricedInstanceTypes', () => {
  it('lists at most 100 unique types, each priced in us-east-1', () => {
    assert.ok(pricedInstanceTypes.length > 50 && pricedInstanceTypes.length <= 100, String(pricedInstanceTypes.length));
    assert.equal(new Set(pricedInstanceTypes).size, pricedInstanceTypes.length);
    for (const type of pricedInstanceTypes) assert.ok(onDemandPrice('us-east-1', type) !== undefined, type);
  });

  it('lists the common families', () => {
    for (const type of ['t3.nano', 't3a.2xlarge', 't4g.micro', 'm5.4xlarge', 'm7i.large', 'm6g.medium', 'c7g.medium', 'c5.large', 'r6i.4xlarge', 'r7g.medium']) {
      assert.ok(pricedInstanceTypes.includes(type), type);
    }
  });
});
