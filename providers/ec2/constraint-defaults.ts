import type {
  ConstraintDefault,
  ConstraintDefaults,
  ConstraintDefaultsParams,
  InstanceType,
  InstanceTypesParams,
  Problem,
} from '../../src/index.js';
import type { Ec2Config } from './config.js';
import { describeImageName } from './image-by-name.js';
import type { ImageMemo } from './image-memo.js';

/** The controller's memory floor: envboot's controller tooling and a cloud-config's packages do not fit in 0.5 GiB. */
export const controllerMemoryFloorMiB = 2048;

/** An architecture the configured image pins, and how messages name the image. */
interface PinnedArch {
  readonly arch: string;
  readonly image: string;
}

/**
 * ec2's defaults: `arch=amd64` (the cheapest type of any architecture is usually a 0.5 GiB
 * arm64, which surprises software built for amd64), or the architecture the configured
 * image pins; and for the controller `mem≥2G`. Common code applies them only where the
 * constraints leave the field unset and name no instance type.
 */
export function ec2Defaults(params: { readonly controller: boolean; readonly pinnedArch?: string | undefined }): ConstraintDefault[] {
  const arch: ConstraintDefault = params.pinnedArch === undefined
    ? { field: 'arch', value: 'amd64', why: 'default' }
    : { field: 'arch', value: params.pinnedArch, why: "the image's architecture" };
  return params.controller ? [arch, { field: 'memoryMiB', value: controllerMemoryFloorMiB, why: 'controller default' }] : [arch];
}

export interface Ec2ConstraintDefaultsParams extends ConstraintDefaultsParams {
  readonly config: Pick<Ec2Config, 'image' | 'imageName'>;
  readonly images: ImageMemo;
  /** The Environ's catalogue (memoised): a named instance type's architecture. */
  readonly instanceTypes: (params: InstanceTypesParams) => Promise<readonly InstanceType[]>;
}

/**
 * The defaults for one machine (`ec2Defaults`), and the configured image checked against
 * its constraints before anything is created: an AMI is looked up (its architecture
 * becomes the default), a name is looked up for the machine's architecture (no match is a
 * `CONFIG_INVALID`), and an architecture the image does not have, asked by `arch=` or by
 * the named instance type, is a problem naming both. Every lookup is the Environ's
 * memoised one: the start then uses the image found here, with no second call.
 */
export async function ec2ConstraintDefaults(params: Ec2ConstraintDefaultsParams): Promise<ConstraintDefaults> {
  const { config, constraints, signal } = params;
  const pinned = await pinnedArch(params);
  const defaults = ec2Defaults({ controller: params.controller, pinnedArch: pinned?.arch });
  // Fetched before a named image is looked up, so that the calls come in one order whatever is asked (the planner's next call, memoised).
  const named = config.imageName === undefined && constraints.instanceType === undefined
    ? undefined
    : (await params.instanceTypes({ ...(constraints.instanceType === undefined ? {} : { include: [constraints.instanceType] }), ...(signal === undefined ? {} : { signal }) }))
        .find((type) => type.name === constraints.instanceType);
  // An unknown instance type is the planner's problem to report; its arch is then unknown.
  const arch = constraints.arch ?? named?.arch ?? (constraints.instanceType === undefined ? defaults[0]?.value : undefined);
  if (pinned !== undefined && typeof arch === 'string' && arch !== pinned.arch) return { defaults, problems: [conflict(pinned, arch, named)] };
  if (config.imageName !== undefined && typeof arch === 'string') await params.images.get({ arch, signal });
  return { defaults, problems: [] };
}

async function pinnedArch(params: Ec2ConstraintDefaultsParams): Promise<PinnedArch | undefined> {
  const { config } = params;
  if (config.imageName?.arch !== undefined) return { arch: config.imageName.arch, image: describeImageName(config.imageName) };
  if (config.image === undefined) return undefined;
  const image = await params.images.get({ arch: undefined, signal: params.signal });
  return { arch: image.arch, image: `${image.id}${image.name === undefined ? '' : ` (${image.name})`}` };
}

function conflict(pinned: PinnedArch, arch: string, named: InstanceType | undefined): Problem {
  if (named !== undefined && named.arch === arch) {
    return {
      path: '',
      message: `instance-type=${named.name} is ${arch}, but the configured image ${pinned.image} is ${pinned.arch}: name an ${pinned.arch} instance type (or none), or configure an ${arch} image`,
    };
  }
  return {
    path: '',
    message: `arch=${arch}: the configured image ${pinned.image} is ${pinned.arch}; ask for arch=${pinned.arch} (or leave arch= out), or configure an ${arch} image`,
  };
}
