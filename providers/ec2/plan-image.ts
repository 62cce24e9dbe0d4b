import type { PlannedImage } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import { describeImageName } from './image-by-name.js';
import type { ChosenImage } from './image.js';

/**
 * The image a start would boot, as a plan shows it: its id, its name and creation date,
 * and which part of the config (or which default) chose it.
 *
 * @example
 * plannedImage({ imageName: { name: 'team-base-*', owner: 'self' } }, image).source
 * // 'the newest image of owner self named like "team-base-*" for amd64 (configured "image": {name: "team-base-*", owner: self})'
 */
export function plannedImage(config: Pick<Ec2Config, 'image' | 'imageName'>, image: ChosenImage): PlannedImage {
  const created = image.creationDate === undefined ? undefined : `created ${image.creationDate.slice(0, 10)}`;
  const description = [image.name, created].filter((part) => part !== undefined).join(', ');
  return {
    id: image.id,
    ...(description === '' ? {} : { description }),
    source: imageSource(config, image.arch),
  };
}

function imageSource(config: Pick<Ec2Config, 'image' | 'imageName'>, arch: string): string {
  if (config.image !== undefined) return `configured ("image": ${config.image}), ${arch}`;
  if (config.imageName !== undefined) {
    const spec = config.imageName;
    return `the newest image of owner ${spec.owner} named like ${JSON.stringify(spec.name)} for ${arch} (configured "image": ${describeImageName(spec)})`;
  }
  return `the newest Ubuntu LTS server image for ${arch} (Canonical's, DescribeImages)`;
}

/** Where a run looks its image up: with the planner's defaults (before or after the instance types), or at the start. */
export interface ImageLookups {
  /** A configured AMI: in preflight before the instance types (its architecture is the default). */
  readonly beforeTypes?: string;
  /** A configured name: in preflight after the instance types, for the machine's architecture. */
  readonly afterTypes?: string;
  /** The default Ubuntu image: at the start, for the type's architecture. */
  readonly atStart?: string;
}

/** The DescribeImages call of a run and what it is for, at the step where the run makes it. */
export function imageLookups(config: Pick<Ec2Config, 'image' | 'imageName'>, arch: string): ImageLookups {
  if (config.image !== undefined) return { beforeTypes: `check that image ${config.image} exists and read its architecture` };
  if (config.imageName !== undefined) {
    return { afterTypes: `find the newest image of owner ${config.imageName.owner} named like ${JSON.stringify(config.imageName.name)} for ${arch}` };
  }
  return { atStart: 'find the newest Ubuntu LTS image' };
}
