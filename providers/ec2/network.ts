import type { Subnet } from '@aws-sdk/client-ec2';
import { ConfigError, ZoneIndependentError } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import type { Ec2Api } from './ec2-api.js';

/** Where machines go: the VPC, and the subnet of each zone (empty: the default VPC's default subnets). */
export interface Ec2Network {
  readonly vpcId?: string;
  readonly subnetByZone: ReadonlyMap<string, string>;
}

/**
 * Resolves the configured network with at most one DescribeSubnets call: the configured
 * subnets' zones (all in one VPC, the configured one if given), or one subnet per zone of
 * the configured VPC (preferring subnets that give public addresses, unless machines are
 * reached on private ones, then the roomiest). Nothing configured: the account's default
 * VPC, where EC2 picks each zone's default subnet itself.
 */
export async function resolveNetwork(params: {
  readonly api: Ec2Api;
  readonly config: Pick<Ec2Config, 'vpc' | 'subnets' | 'privateAddressesOnly'>;
  readonly signal?: AbortSignal | undefined;
}): Promise<Ec2Network> {
  const { config } = params;
  if (config.vpc === undefined && config.subnets === undefined) return { subnetByZone: new Map() };
  const context = { what: 'finding the subnets', signal: params.signal };
  if (config.subnets !== undefined) {
    const answer = await params.api.describeSubnets({ SubnetIds: [...config.subnets] }, context);
    return fromConfiguredSubnets(answer.Subnets ?? [], config);
  }
  const answer = await params.api.describeSubnets({ Filters: [{ Name: 'vpc-id', Values: [config.vpc ?? ''] }] }, context);
  const byZone = new Map<string, Subnet>();
  for (const subnet of answer.Subnets ?? []) {
    const zone = subnet.AvailabilityZone;
    if (zone === undefined || subnet.SubnetId === undefined) continue;
    const current = byZone.get(zone);
    if (current === undefined || preferred(subnet, current, config.privateAddressesOnly)) byZone.set(zone, subnet);
  }
  if (byZone.size === 0) throw networkProblem(`VPC ${config.vpc ?? ''} has no subnets; create one per zone, or list them in "subnets"`);
  return { vpcId: config.vpc ?? '', subnetByZone: new Map([...byZone].map(([zone, subnet]) => [zone, subnet.SubnetId ?? ''])) };
}

/**
 * The subnet a start in `zone` uses: the configured network's subnet of that zone, or
 * none (the default VPC, where EC2 picks the zone's default subnet; or no zone asked).
 * A zone the configured network has no subnet in is `CONFIG_INVALID`.
 */
export function zoneSubnet(network: Ec2Network, zone: string | undefined): string | undefined {
  if (zone === undefined) return undefined;
  const subnetId = network.subnetByZone.get(zone);
  if (network.subnetByZone.size > 0 && subnetId === undefined) {
    throw new ConfigError(`zone ${zone} has no subnet in the configured network; add one to "subnets" or choose another zone`);
  }
  return subnetId;
}

function fromConfiguredSubnets(subnets: readonly Subnet[], config: Pick<Ec2Config, 'vpc' | 'subnets'>): Ec2Network {
  const vpcs = new Set(subnets.map((subnet) => subnet.VpcId));
  if (vpcs.size > 1) throw networkProblem(`the subnets are in different VPCs (${[...vpcs].join(', ')}); list subnets of one VPC`);
  const [vpcId] = [...vpcs];
  if (config.vpc !== undefined && vpcId !== config.vpc) {
    throw networkProblem(`the subnets are in ${vpcId ?? 'no VPC'}, not in the configured vpc ${config.vpc}; fix "vpc" or "subnets"`);
  }
  const subnetByZone = new Map<string, string>();
  for (const subnet of subnets) {
    const zone = subnet.AvailabilityZone ?? '';
    const taken = subnetByZone.get(zone);
    if (taken !== undefined) throw networkProblem(`subnets ${taken} and ${subnet.SubnetId ?? ''} are both in ${zone}; list one subnet per zone`);
    subnetByZone.set(zone, subnet.SubnetId ?? '');
  }
  return { ...(vpcId === undefined ? {} : { vpcId }), subnetByZone };
}

function preferred(candidate: Subnet, current: Subnet, privateOnly: boolean): boolean {
  if (!privateOnly && candidate.MapPublicIpOnLaunch !== current.MapPublicIpOnLaunch) return candidate.MapPublicIpOnLaunch === true;
  return (candidate.AvailableIpAddressCount ?? 0) > (current.AvailableIpAddressCount ?? 0);
}

function networkProblem(message: string): ZoneIndependentError {
  return new ZoneIndependentError(new ConfigError(message));
}
