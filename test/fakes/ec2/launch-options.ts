import { Ec2Error, invalidParameterCombination, invalidParameterValue } from './ec2-error.js';
import type { FakeEc2Faults } from './faults.js';
import { listed } from './faults.js';
import { type QueryParams, type TagSpecification, type Tags, tagsFor } from './query-params.js';
import type { Ec2State } from './state.js';
import { node, text } from './xml.js';

/** An instance profile as an instance carries it: `iamInstanceProfile` in DescribeInstances. */
export interface FakeEc2InstanceProfile {
  readonly arn: string;
  readonly id: string;
}

/**
 * The instance profiles EC2 can use, as IAM knows them (the fake IAM's, in tests that run
 * both): by name or by ARN; undefined for one that does not exist. Without it, the fake
 * EC2 accepts any profile, named `arn:aws:iam::<account>:instance-profile/<name>`.
 */
export type FakeEc2ProfileLookup = (ref: { readonly name?: string; readonly arn?: string }) => FakeEc2InstanceProfile | undefined;

/** What RunInstances asked beyond the machine itself: an instance profile, spot. */
export interface LaunchOptions {
  readonly instanceProfile?: FakeEc2InstanceProfile;
  /** Present for a spot request, with the tags its TagSpecification gave the request. */
  readonly spot?: { readonly maxPrice?: number; readonly requestId: string; readonly tags: Tags };
}

/**
 * `IamInstanceProfile.*` and `InstanceMarketOptions.*`, checked as EC2 checks them, with the
 * spot request's tags from `specs`. EC2 refuses tags for a spot request that the launch does
 * not make ("if the instance does not include the resource type that you specify, the
 * instance launch fails"): 400 InvalidParameterValue.
 */
export function launchOptionsOf(state: Ec2State, params: QueryParams, specs: readonly TagSpecification[], lookup: FakeEc2ProfileLookup | undefined): LaunchOptions {
  const options = marketOptionsOf(state, params, lookup);
  if (options.spot !== undefined) return { ...options, spot: { ...options.spot, tags: tagsFor(specs, 'spot-instances-request') } };
  if (specs.some((spec) => spec.resourceType === 'spot-instances-request')) {
    throw invalidParameterValue('You cannot specify tags for Spot instances requests if there are no Spot instances requests being created by the request.');
  }
  return options;
}

function marketOptionsOf(state: Ec2State, params: QueryParams, lookup: FakeEc2ProfileLookup | undefined): LaunchOptions {
  const profile = params.struct('IamInstanceProfile');
  const [name, arn] = [profile.get('Name'), profile.get('Arn')];
  if (name !== undefined && arn !== undefined) throw invalidParameterCombination('The parameter iamInstanceProfile.name may not be used in combination with iamInstanceProfile.arn');
  let instanceProfile: FakeEc2InstanceProfile | undefined;
  if (name !== undefined || arn !== undefined) {
    const ref = name !== undefined ? { name } : { arn: arn ?? '' };
    instanceProfile = lookup === undefined ? { arn: arn ?? `arn:aws:iam::${state.accountId}:instance-profile/${name ?? ''}`, id: 'AIPAFAKEPROFILE00000' } : lookup(ref);
    if (instanceProfile === undefined) {
      const [field, kind] = name !== undefined ? ['name', 'name'] : ['arn', 'ARN'];
      throw invalidParameterValue(`Value (${name ?? arn ?? ''}) for parameter iamInstanceProfile.${field} is invalid. Invalid IAM Instance Profile ${kind}`);
    }
  }
  const market = params.struct('InstanceMarketOptions');
  const marketType = market.get('MarketType');
  if (marketType === undefined) return instanceProfile === undefined ? {} : { instanceProfile };
  if (marketType !== 'spot' && marketType !== 'capacity-block') throw invalidParameterValue(`Invalid value '${marketType}' for marketType.`);
  const spotOptions = market.struct('SpotOptions');
  const type = spotOptions.get('SpotInstanceType') ?? 'one-time';
  const interruption = spotOptions.get('InstanceInterruptionBehavior') ?? 'terminate';
  if (type === 'persistent' && interruption === 'terminate') {
    throw invalidParameterCombination('InstanceInterruptionBehavior terminate is not supported for persistent Spot Instance requests; use stop or hibernate');
  }
  const maxPrice = spotOptions.get('MaxPrice');
  if (maxPrice !== undefined && !(Number(maxPrice) > 0)) throw invalidParameterValue(`Invalid value '${maxPrice}' for maxPrice.`);
  const spot = { requestId: state.newId('sir').slice(0, 12), ...(maxPrice === undefined ? {} : { maxPrice: Number(maxPrice) }), tags: {} };
  return { ...(instanceProfile === undefined ? {} : { instanceProfile }), spot };
}

/**
 * Spot's own refusals for a request in `zone`, as EC2 answers them: the account's spot
 * quota (zone-independent), no spot capacity in the zone, the zone's spot price above
 * the request's maximum.
 */
export function checkSpotFaults(faults: FakeEc2Faults, options: LaunchOptions, zone: string, instanceType: string): void {
  if (options.spot === undefined) return;
  if (faults.spotQuota) throw new Ec2Error(400, 'MaxSpotInstanceCountExceeded', 'Max spot instance count exceeded');
  if (listed(faults.spotCapacity, zone)) {
    throw new Ec2Error(500, 'InsufficientInstanceCapacity', `There is no Spot capacity available that matches your request. (${instanceType} in ${zone})`);
  }
  const price = faults.spotPrices[zone];
  if (price !== undefined && options.spot.maxPrice !== undefined && options.spot.maxPrice < price) {
    throw new Ec2Error(400, 'SpotMaxPriceTooLow', `Your Spot request price of ${options.spot.maxPrice} is lower than the minimum required Spot request fulfillment price of ${price}.`);
  }
}

/** The instance's `iamInstanceProfile`, `instanceLifecycle` and `spotInstanceRequestId`, as DescribeInstances shows them. */
export function launchOptionsXml(options: LaunchOptions | undefined): string[] {
  return [
    options?.instanceProfile === undefined ? '' : node('iamInstanceProfile', [text('arn', options.instanceProfile.arn), text('id', options.instanceProfile.id)]),
    text('instanceLifecycle', options?.spot === undefined ? undefined : 'spot'),
    text('spotInstanceRequestId', options?.spot?.requestId),
  ];
}
