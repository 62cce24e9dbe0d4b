import {
  ConfigError,
  ZoneIndependentError,
  applyConstraintDefaults,
  chooseInstanceType,
  type ConstraintDefaults,
  type ConstraintDefaultsParams,
  type InstanceType,
  type InstanceTypesParams,
  type StartInstanceParams,
} from '../../src/index.js';
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
  /** The Environ's image memo: the configured image, or the one found per architecture. */
  readonly images: ImageMemo;
  /** The Environ's constraint defaults (`ec2ConstraintDefaults`), for a start that names no instance type. */
  readonly defaults: (params: ConstraintDefaultsParams) => Promise<ConstraintDefaults>;
  readonly start: Pick<StartInstanceParams, 'machineId' | 'instanceType' | 'constraints' | 'zone' | 'image' | 'signal'>;
}

/**
 * The instance type (the planner's, or named, or else the cheapest that meets the
 * constraints with ec2's defaults, as the planner would choose), the network, and the
 * image (configured, found by name, or the newest Ubuntu LTS, for the type's architecture)
 * of a start. A zone without a subnet is refused before the image is looked up, as ever;
 * an image of another architecture than the type is refused before anything starts.
 */
export async function chooseStart(params: ChooseStartParams): Promise<StartChoices> {
  const { start } = params;
  const named = start.instanceType ?? start.constraints.instanceType;
  const catalogue = await params.instanceTypes({ ...withSignal(start), ...(named === undefined ? {} : { include: [named] }) });
  const typeName = named ?? (await cheapestWithDefaults(params, catalogue)).name;
  const type = catalogue.find((candidate) => candidate.name === typeName);
  const network = await params.network(start.signal);
  zoneSubnet(network, start.zone);
  const arch = type?.arch ?? start.constraints.arch ?? 'amd64';
  const image = start.image === undefined
    ? await params.images.get({ arch, signal: start.signal })
    : await findImage({ api: params.api, arch, configured: start.image, signal: start.signal });
  if (type !== undefined && image.arch !== type.arch) {
    throw new ZoneIndependentError(new ConfigError(`image ${image.id} is ${image.arch}, but instance type ${type.name} is ${type.arch}: ask for arch=${image.arch}, or use an ${type.arch} image`));
  }
  return { typeName, type, network, image };
}

/** What the planner would choose for a start handed no type (a library caller's): the cheapest that meets the constraints with the defaults. */
async function cheapestWithDefaults(params: ChooseStartParams, catalogue: readonly InstanceType[]): Promise<InstanceType> {
  const { start } = params;
  const stated = await params.defaults({ controller: start.machineId === '0', constraints: start.constraints, signal: start.signal });
  if (stated.problems.length > 0) throw new ZoneIndependentError(new ConfigError(`machine ${start.machineId} cannot start as asked:`, { problems: stated.problems }));
  return chooseInstanceType({ catalogue, constraints: applyConstraintDefaults(start.constraints, stated.defaults).constraints });
}

/** `{ signal }` when there is one: the contract's params take no `signal: undefined`. */
export function withSignal(params: { readonly signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return params.signal === undefined ? {} : { signal: params.signal };
}
