import type { InstanceType, InstanceTypesParams, StartInstanceParams } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import { findImage, type ChosenImage } from './image.js';
import type { ImageMemo } from './image-memo.js';
import { zoneSubnet, type Ec2Network } from './network.js';

/** What a start of one machine uses: the same for `startInstance` and `planStart`, so a plan cannot drift from the run. */
export interface StartChoices {
  readonly typeName: string;
  readonly type: InstanceType | undefined;
  readonly network: Ec2Network;
  readonly image: ChosenImage;
}

export interface ChooseStartParams {
  readonly api: Ec2Api;
  /** The Environ's catalogue (memoised). */
  readonly instanceTypes: (params: InstanceTypesParams) => Promise<readonly InstanceType[]>;
  /** The Environ's network (memoised). */
  readonly network: (signal: AbortSignal | undefined) => Promise<Ec2Network>;
  /** The Environ's image memo, for the default image per architecture. */
  readonly images: ImageMemo;
  readonly start: Pick<StartInstanceParams, 'instanceType' | 'constraints' | 'zone' | 'image' | 'signal'>;
}

/**
 * The instance type (asked for, or the cheapest), the network, and the image (configured,
 * or the newest Ubuntu LTS for the type's architecture) of a start. A zone without a
 * subnet is refused before the image is looked up, as ever.
 */
export async function chooseStart(params: ChooseStartParams): Promise<StartChoices> {
  const { start } = params;
  const catalogue = await params.instanceTypes({ ...withSignal(start), ...(start.instanceType === undefined ? {} : { include: [start.instanceType] }) });
  const typeName = start.instanceType ?? start.constraints.instanceType ?? cheapestDefault(catalogue);
  const type = catalogue.find((candidate) => candidate.name === typeName);
  const network = await params.network(start.signal);
  zoneSubnet(network, start.zone);
  const image =
    start.image === undefined
      ? await params.images.get({ arch: type?.arch ?? start.constraints.arch ?? 'amd64', signal: start.signal })
      : await findImage({ api: params.api, arch: type?.arch ?? 'amd64', configured: start.image, signal: start.signal });
  return { typeName, type, network, image };
}

function cheapestDefault(catalogue: readonly InstanceType[]): string {
  return [...catalogue].sort((a, b) => (a.pricePerHour ?? Infinity) - (b.pricePerHour ?? Infinity))[0]?.name ?? 't3.micro';
}

/** `{ signal }` when there is one: the contract's params take no `signal: undefined`. */
export function withSignal(params: { readonly signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return params.signal === undefined ? {} : { signal: params.signal };
}
