import type { InstanceTypeInfo, _InstanceType } from '@aws-sdk/client-ec2';
import type { InstanceType } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import { after, allPages } from './paginate.js';
import { onDemandPrice, pricedInstanceTypes } from './price-table.js';

/** DescribeInstanceTypes takes at most 100 names per call. */
const namesPerCall = 100;

/**
 * The instance types envboot chooses from: the common types of the bundled price table
 * (plus any the operator names), with their hardware from DescribeInstanceTypes and the
 * zones that offer them from DescribeInstanceTypeOfferings: two calls for the whole
 * catalogue, where listing every type the region has would take a dozen. Types the region
 * does not offer are simply absent.
 */
export async function fetchCatalogue(params: {
  readonly api: Ec2Api;
  readonly region: string;
  readonly include?: readonly string[];
  /** Only the included types, not the usual ones. */
  readonly only?: boolean;
  readonly signal?: AbortSignal | undefined;
}): Promise<InstanceType[]> {
  const wanted = [...new Set([...(params.only === true ? [] : pricedInstanceTypes), ...(params.include ?? [])])];
  const context = { what: 'listing instance types', signal: params.signal };
  // Offerings first: a filter tolerates names the region lacks, where DescribeInstanceTypes would fail the whole call.
  const zones = await offeringZones(params.api, wanted, context);
  const names = wanted.filter((name) => zones.has(name));
  const infos: InstanceTypeInfo[] = [];
  for (let start = 0; start < names.length; start += namesPerCall) {
    const batch = names.slice(start, start + namesPerCall) as _InstanceType[];
    infos.push(...(await allPages({
      page: (token) => params.api.describeInstanceTypes({ InstanceTypes: batch, ...after(token) }, context),
      items: (page) => page.InstanceTypes ?? [],
    })));
  }
  return infos.flatMap((info) => {
    const type = toInstanceType(info, params.region, zones);
    return type === undefined ? [] : [type];
  });
}

async function offeringZones(api: Ec2Api, names: readonly string[], context: { what: string; signal?: AbortSignal | undefined }): Promise<Map<string, string[]>> {
  const offerings = await allPages({
    page: (token) =>
      api.describeInstanceTypeOfferings(
        { LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: [...names] }], MaxResults: 1000, ...after(token) },
        context,
      ),
    items: (page) => page.InstanceTypeOfferings ?? [],
  });
  const zones = new Map<string, string[]>();
  for (const offering of offerings) {
    if (offering.InstanceType === undefined || offering.Location === undefined) continue;
    zones.set(offering.InstanceType, [...(zones.get(offering.InstanceType) ?? []), offering.Location]);
  }
  return zones;
}

function toInstanceType(info: InstanceTypeInfo, region: string, zones: ReadonlyMap<string, string[]>): InstanceType | undefined {
  const name = info.InstanceType;
  const cores = info.VCpuInfo?.DefaultVCpus;
  const memoryMiB = info.MemoryInfo?.SizeInMiB;
  const arch = archOf(info.ProcessorInfo?.SupportedArchitectures ?? []);
  const offeredIn = name === undefined ? undefined : zones.get(name);
  // A type no zone offers cannot be started; one without hardware figures cannot be matched.
  if (name === undefined || cores === undefined || memoryMiB === undefined || arch === undefined || offeredIn === undefined) return undefined;
  const price = onDemandPrice(region, name);
  return { name, arch, cores, memoryMiB, zones: offeredIn.sort(), ...(price === undefined ? {} : { pricePerHour: price }) };
}

/** EC2's architecture names in Juju's (constraint) terms. */
export function archOf(supported: readonly string[]): string | undefined {
  if (supported.includes('x86_64')) return 'amd64';
  if (supported.includes('arm64')) return 'arm64';
  return undefined;
}

/** Juju's architecture names in EC2's. */
export function ec2Arch(arch: string): string {
  return arch === 'arm64' ? 'arm64' : 'x86_64';
}
