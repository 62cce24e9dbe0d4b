import type { Image } from '@aws-sdk/client-ec2';
import { ConfigError, ZoneIndependentError } from '../../src/index.js';
import type { Ec2ImageName } from './config-image.js';
import type { Ec2Api } from './ec2-api.js';
import { findImageByName } from './image-by-name.js';
import { ec2Arch } from './instance-catalogue.js';

/** Canonical's AWS account: the publisher of the official Ubuntu images. */
export const canonicalOwner = '099720109477';

/** The image a machine boots, and what RunInstances needs to size its root volume. */
export interface ChosenImage {
  readonly id: string;
  readonly rootDeviceName: string;
  readonly arch: string;
  readonly name?: string;
  /** When it was made, as EC2 lists it (ISO 8601). */
  readonly creationDate?: string;
}

/**
 * The configured image, checked to exist; or the newest match of the configured name for
 * `arch` (`findImageByName`); or the newest official Ubuntu LTS server image for `arch`:
 * Canonical's images, the release series with the highest even year and `.04`, the latest
 * build of it. One DescribeImages call each.
 */
export async function findImage(params: {
  readonly api: Ec2Api;
  readonly arch: string;
  readonly configured?: string | undefined;
  readonly named?: Ec2ImageName | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<ChosenImage> {
  const context = { what: 'finding the machine image', signal: params.signal };
  if (params.named !== undefined && params.configured === undefined) {
    const image = await findImageByName({ api: params.api, spec: params.named, arch: params.arch, signal: params.signal });
    return chosen(image, image.ImageId ?? '');
  }
  if (params.configured !== undefined) {
    const answer = await params.api.describeImages({ ImageIds: [params.configured] }, context);
    const image = answer.Images?.[0];
    if (image === undefined) throw imageProblem(`image ${params.configured} does not exist in this region; set "image" to an AMI id of this region, or remove it`);
    return chosen(image, params.configured);
  }
  const answer = await params.api.describeImages(
    {
      Owners: [canonicalOwner],
      Filters: [
        { Name: 'name', Values: [`ubuntu/images/*/ubuntu-*-*.04-${params.arch}-server-*`] },
        { Name: 'architecture', Values: [ec2Arch(params.arch)] },
        { Name: 'state', Values: ['available'] },
        { Name: 'root-device-type', Values: ['ebs'] },
      ],
    },
    context,
  );
  const newest = (answer.Images ?? []).filter((image) => ltsVersion(image.Name) !== undefined).sort(byRecency)[0];
  if (newest === undefined) {
    throw imageProblem(`no Ubuntu LTS image for ${params.arch} was found in this region; set "image" to an AMI id`);
  }
  return chosen(newest, newest.ImageId ?? '');
}

function chosen(image: Image, id: string): ChosenImage {
  return {
    id,
    rootDeviceName: image.RootDeviceName ?? '/dev/sda1',
    arch: image.Architecture === 'arm64' ? 'arm64' : 'amd64',
    ...(image.Name === undefined ? {} : { name: image.Name }),
    ...(image.CreationDate === undefined ? {} : { creationDate: image.CreationDate }),
  };
}

/** `24.04` from `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250601`, for LTS releases only. */
function ltsVersion(name: string | undefined): number | undefined {
  const match = /ubuntu-[a-z]+-(\d\d)\.04-/.exec(name ?? '');
  const year = Number(match?.[1]);
  return match === null || year % 2 !== 0 ? undefined : year;
}

function byRecency(a: Image, b: Image): number {
  const release = (ltsVersion(b.Name) ?? 0) - (ltsVersion(a.Name) ?? 0);
  if (release !== 0) return release;
  return (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '');
}

function imageProblem(message: string): ZoneIndependentError {
  return new ZoneIndependentError(new ConfigError(message));
}
