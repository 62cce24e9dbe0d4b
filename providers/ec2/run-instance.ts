import { randomUUID } from 'node:crypto';
import type { RunInstancesCommandInput, Tag, _InstanceType } from '@aws-sdk/client-ec2';
import type { Instance, StartInstanceParams } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import { isInstanceProfileRefusal } from './ec2-errors.js';
import type { ConsistencyRetry } from './ec2-timing.js';
import type { ChosenImage } from './image.js';
import { toInstance } from './instance-view.js';
import { launchOptionsInput, type Ec2LaunchOptions } from './launch-options.js';
import { untilConsistent } from './until-consistent.js';

/** Ubuntu's images are 8 GiB snapshots: a smaller root volume is refused. */
const minimumRootGiB = 8;

export interface RunInstanceParams {
  readonly api: Ec2Api;
  readonly start: StartInstanceParams;
  readonly image: ChosenImage;
  readonly instanceType: string;
  readonly securityGroupId: string;
  /** The zone's subnet; absent: the default VPC's default subnet of the zone. */
  readonly subnetId?: string | undefined;
  /** The instance profile and spot, from the config (`--spot` included). */
  readonly launch?: Ec2LaunchOptions | undefined;
  /** How long an instance profile EC2 refuses is asked for again: one IAM made a moment ago takes a while to reach EC2. */
  readonly iamPropagation?: ConsistencyRetry | undefined;
}

/**
 * Starts one machine with one RunInstances call: tagged at creation (the instance, its
 * root volume, network interface and, for spot, its request), IMDSv2 required, root volume sized from the constraints and deleted with
 * the instance, user-data as given (already gzip-compressed and within 16 KiB). The
 * ClientToken makes a retry after a lost answer return the same machine. An instance
 * profile EC2 refuses is asked for again within `iamPropagation`, then refused for good.
 */
export async function runInstance(params: RunInstanceParams): Promise<Instance> {
  const { start } = params;
  const tags: Tag[] = Object.entries(start.tags).map(([Key, Value]) => ({ Key, Value }));
  const rootGiB = Math.max(minimumRootGiB, Math.ceil((start.constraints.rootDiskMiB ?? 0) / 1024));
  const input: RunInstancesCommandInput & { ClientToken: string } = {
    ClientToken: randomUUID(),
    ImageId: params.image.id,
    InstanceType: params.instanceType as _InstanceType,
    MinCount: 1,
    MaxCount: 1,
    UserData: Buffer.from(start.userData).toString('base64'),
    SecurityGroupIds: [params.securityGroupId],
    ...(params.subnetId === undefined ? {} : { SubnetId: params.subnetId }),
    ...(start.zone === undefined ? {} : { Placement: { AvailabilityZone: start.zone } }),
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    ...launchOptionsInput(params.launch),
    BlockDeviceMappings: [{ DeviceName: params.image.rootDeviceName, Ebs: { VolumeSize: rootGiB, VolumeType: 'gp3', DeleteOnTermination: true } }],
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
      // Policies that require tags at creation (aws:RequestTag) may name the network interface too.
      { ResourceType: 'network-interface', Tags: tags },
      // A spot machine's request is a resource of its own, which such policies and cleanup see too.
      ...(params.launch?.spot === true ? [{ ResourceType: 'spot-instances-request' as const, Tags: tags }] : []),
    ],
  };
  const where = start.zone === undefined ? '' : ` in ${start.zone}`;
  const what = `starting machine ${start.machineId}${where}`;
  let attempts = 0;
  // A refused call started nothing, so each new attempt has a token of its own (Ec2Api's own retries keep theirs).
  const run = () =>
    params.api.runInstances(attempts++ === 0 ? input : { ...input, ClientToken: randomUUID() }, {
      what,
      instanceType: params.instanceType,
      ...(start.zone === undefined ? {} : { zone: start.zone }),
      signal: start.signal,
    });
  // Terraform waits for IAM the same way: a profile made just before is refused until EC2 sees it.
  const answer =
    params.launch?.instanceProfile === undefined || params.iamPropagation === undefined
      ? await run()
      : await untilConsistent({ consistency: params.iamPropagation, signal: start.signal }, what, run, isInstanceProfileRefusal);
  const [started] = answer.Instances ?? [];
  if (started?.InstanceId === undefined) throw new Error(`EC2 accepted machine ${start.machineId}${where} but named no instance; run "envboot status" to look for it`);
  return toInstance(started);
}
