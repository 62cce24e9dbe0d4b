/**
 * A bundled table of on-demand Linux prices (US dollars per hour) for common instance
 * types in common regions. The figures are approximate list prices, written down by hand
 * and never fetched; they are used only to rank instance types ("cheapest that satisfies
 * the constraints"), never shown as a bill. A type or region missing from the table has
 * no price, and the provider ranks unpriced types after priced ones.
 *
 * Kept compact on purpose: within each of these families the price doubles with each
 * size step (nano, micro, small, medium, large, xlarge, 2xlarge, 4xlarge), so the table
 * stores each family's us-east-1 price of `large` and its range of sizes, and each
 * region's approximate price ratio to us-east-1.
 */

const sizes = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '4xlarge'] as const;
type Size = (typeof sizes)[number];

interface Family {
  /** On-demand Linux price of `<family>.large` in us-east-1, USD per hour. */
  readonly large: number;
  readonly from: Size;
  readonly to: Size;
}

const families: Readonly<Record<string, Family>> = {
  t3: { large: 0.0832, from: 'nano', to: '2xlarge' },
  t3a: { large: 0.0752, from: 'nano', to: '2xlarge' },
  t4g: { large: 0.0672, from: 'nano', to: '2xlarge' },
  m5: { large: 0.096, from: 'large', to: '4xlarge' },
  m6i: { large: 0.096, from: 'large', to: '4xlarge' },
  m7i: { large: 0.1008, from: 'large', to: '4xlarge' },
  m6g: { large: 0.077, from: 'medium', to: '4xlarge' },
  m7g: { large: 0.0816, from: 'medium', to: '4xlarge' },
  c5: { large: 0.085, from: 'large', to: '4xlarge' },
  c6i: { large: 0.085, from: 'large', to: '4xlarge' },
  c7i: { large: 0.0893, from: 'large', to: '4xlarge' },
  c6g: { large: 0.068, from: 'medium', to: '4xlarge' },
  c7g: { large: 0.0725, from: 'medium', to: '4xlarge' },
  r5: { large: 0.126, from: 'large', to: '4xlarge' },
  r6i: { large: 0.126, from: 'large', to: '4xlarge' },
  r6g: { large: 0.1008, from: 'medium', to: '4xlarge' },
  r7g: { large: 0.1071, from: 'medium', to: '4xlarge' },
};

/** Each region's prices relative to us-east-1 (approximate; a little higher for some families). */
const regionFactors: Readonly<Record<string, number>> = {
  'us-east-1': 1,
  'us-east-2': 1,
  'us-west-1': 1.17,
  'us-west-2': 1,
  'ca-central-1': 1.11,
  'eu-west-1': 1.11,
  'eu-west-2': 1.15,
  'eu-central-1': 1.17,
  'eu-north-1': 1.05,
  'ap-southeast-1': 1.25,
  'ap-southeast-2': 1.25,
  'ap-northeast-1': 1.29,
  'ap-south-1': 1.05,
  'sa-east-1': 1.59,
};

/**
 * Every type the table prices (83 of them): the provider asks DescribeInstanceTypes about
 * these in one call, which takes at most 100 names.
 */
export const pricedInstanceTypes: readonly string[] = Object.entries(families).flatMap(([family, { from, to }]) =>
  sizes.slice(sizes.indexOf(from), sizes.indexOf(to) + 1).map((size) => `${family}.${size}`),
);

/**
 * The approximate on-demand Linux price of `instanceType` in `region`, USD per hour,
 * rounded to 4 decimals; undefined when the table does not know the type or the region.
 *
 * @example
 * onDemandPrice('us-east-1', 't3.micro'); // 0.0104
 * onDemandPrice('us-east-1', 'x2iedn.metal'); // undefined
 */
export function onDemandPrice(region: string, instanceType: string): number | undefined {
  const [familyName = '', size = '', extra] = instanceType.split('.');
  const family = Object.hasOwn(families, familyName) ? families[familyName] : undefined;
  const factor = Object.hasOwn(regionFactors, region) ? regionFactors[region] : undefined;
  const step = sizes.indexOf(size as Size);
  if (family === undefined || factor === undefined || extra !== undefined || step < sizes.indexOf(family.from) || step > sizes.indexOf(family.to)) {
    return undefined;
  }
  const price = family.large * 2 ** (step - sizes.indexOf('large')) * factor;
  return Math.round(price * 10_000) / 10_000;
}
