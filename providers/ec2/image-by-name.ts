import type { Image } from '@aws-sdk/client-ec2';
import { ConfigError, ZoneIndependentError } from '../../src/index.js';
import type { Ec2ImageName } from './config-image.js';
import type { Ec2Api } from './ec2-api.js';
import { ec2Arch } from './instance-catalogue.js';

/** `{name: "team-base-*", owner: self, arch: arm64}`: the configured spec, as messages name it. */
export function describeImageName(spec: Ec2ImageName): string {
  return `{name: ${JSON.stringify(spec.name)}, owner: ${spec.owner}${spec.arch === undefined ? '' : `, arch: ${spec.arch}`}}`;
}

/**
 * The newest available EBS-backed image of `spec.owner` whose name matches `spec.name`,
 * for `arch`, with one DescribeImages call (EC2 does the matching: `Owners` takes the
 * account id or alias, the `name` filter the wildcards). No match, or an architecture the
 * spec rules out, is bad config for every zone alike.
 */
export async function findImageByName(params: {
  readonly api: Ec2Api;
  readonly spec: Ec2ImageName;
  readonly arch: string;
  readonly signal?: AbortSignal | undefined;
}): Promise<Image> {
  const { spec, arch } = params;
  if (spec.arch !== undefined && spec.arch !== arch) {
    throw imageProblem(`image ${describeImageName(spec)} is ${spec.arch} only, but the machine is ${arch}; ask for arch=${spec.arch} (or an ${spec.arch} instance type), or change "image"`);
  }
  const answer = await params.api.describeImages(
    {
      Owners: [spec.owner],
      Filters: [
        { Name: 'name', Values: [spec.name] },
        { Name: 'architecture', Values: [ec2Arch(arch)] },
        { Name: 'state', Values: ['available'] },
        { Name: 'root-device-type', Values: ['ebs'] },
      ],
    },
    { what: `finding the newest image named ${JSON.stringify(spec.name)}`, signal: params.signal },
  );
  const newest = [...(answer.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (newest?.ImageId === undefined) throw imageProblem(noMatch(spec, arch));
  return newest;
}

function noMatch(spec: Ec2ImageName, arch: string): string {
  const other = arch === 'amd64' ? 'arm64' : 'amd64';
  const tryArch = spec.arch === undefined ? `; if the images are ${other}, ask for arch=${other} (constraints) or set arch: ${other} in "image"` : '';
  const command = `aws ec2 describe-images --owners ${spec.owner} --filters "Name=name,Values=${spec.name}" "Name=architecture,Values=${ec2Arch(arch)}"`;
  return `image ${describeImageName(spec)}: no available EBS-backed ${arch} image of owner ${spec.owner} is named like ${JSON.stringify(spec.name)} in this region; check the pattern and owner (\`${command}\` lists the matches)${tryArch}, or set "image" to an AMI id`;
}

function imageProblem(message: string): ZoneIndependentError {
  return new ZoneIndependentError(new ConfigError(message));
}
