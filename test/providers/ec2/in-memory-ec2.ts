import { randomBytes } from 'node:crypto';
import type {
  AuthorizeSecurityGroupIngressCommandInput,
  IpPermission,
  RevokeSecurityGroupIngressCommandInput,
  CreateSecurityGroupCommandInput,
  DeleteSecurityGroupCommandInput,
  DeleteVolumeCommandInput,
  DescribeImagesCommandInput,
  DescribeInstanceAttributeCommandInput,
  DescribeInstancesCommandInput,
  DescribeInstanceTypeOfferingsCommandInput,
  DescribeInstanceTypesCommandInput,
  DescribeSecurityGroupsCommandInput,
  Filter,
  GetConsoleOutputCommandInput,
  Image,
  Instance,
  InstanceTypeInfo,
  RunInstancesCommandInput,
  SecurityGroup,
  Tag,
  TagSpecification,
  TerminateInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { ec2ServiceError, type Ec2Adapter } from '../../../providers/ec2/index.js';

/** One call as the adapter received it. */
export interface InMemoryEc2Call {
  readonly action: string;
  readonly input: unknown;
}

const types: readonly InstanceTypeInfo[] = [
  { InstanceType: 't3.micro', VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 1024 }, ProcessorInfo: { SupportedArchitectures: ['x86_64'] } },
  { InstanceType: 't3.small', VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 2048 }, ProcessorInfo: { SupportedArchitectures: ['x86_64'] } },
  { InstanceType: 't4g.small', VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 2048 }, ProcessorInfo: { SupportedArchitectures: ['arm64'] } },
];
const images: readonly Image[] = [
  { ImageId: 'ami-00000000000002204', Name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250101', Architecture: 'x86_64', RootDeviceName: '/dev/sda1', CreationDate: '2025-01-01T00:00:00.000Z' },
  { ImageId: 'ami-00000000000002404', Name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250601', Architecture: 'x86_64', RootDeviceName: '/dev/sda1', CreationDate: '2025-06-01T00:00:00.000Z' },
  { ImageId: 'ami-0000000000002404a', Name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250601', Architecture: 'arm64', RootDeviceName: '/dev/sda1', CreationDate: '2025-06-01T00:00:00.000Z' },
];

/**
 * EC2 in memory, behind the `Ec2Adapter` interface: zones, three instance types, Ubuntu
 * images, tagged security groups and instances (pending until first listed, shutting down
 * until listed once more), consoles. No HTTP, no SDK client. `faults` can be switched on
 * at any time; `calls` logs every call.
 */
export class InMemoryEc2 implements Ec2Adapter {
  readonly calls: InMemoryEc2Call[] = [];
  readonly faults = { noCapacityIn: new Set<string>(), throttleNext: 0, refuseCredentials: false };
  readonly instances = new Map<string, Instance>();
  readonly groups = new Map<string, SecurityGroup>();
  readonly #zones: readonly string[];
  readonly #byToken = new Map<string, string>();
  /** RunInstances' `UserData` (base64), by instance id. */
  readonly #userData = new Map<string, string>();

  constructor(params: { readonly region: string }) {
    this.#zones = ['a', 'b', 'c'].map((letter) => `${params.region}${letter}`);
  }

  describeAvailabilityZones(input: unknown) {
    return this.#answer('DescribeAvailabilityZones', input, () => ({ AvailabilityZones: this.#zones.map((ZoneName) => ({ ZoneName, State: 'available' as const, ZoneType: 'availability-zone' })) }));
  }

  describeInstanceTypeOfferings(input: DescribeInstanceTypeOfferingsCommandInput) {
    return this.#answer('DescribeInstanceTypeOfferings', input, () => ({
      InstanceTypeOfferings: types
        .filter((type) => matches(input.Filters, (name) => (name === 'instance-type' ? [type.InstanceType ?? ''] : [])))
        .flatMap((type) => this.#zones.map((Location) => ({ InstanceType: type.InstanceType, Location, LocationType: 'availability-zone' as const }))),
    }));
  }

  describeInstanceTypes(input: DescribeInstanceTypesCommandInput) {
    return this.#answer('DescribeInstanceTypes', input, () => ({ InstanceTypes: types.filter((type) => (input.InstanceTypes ?? []).some((name) => name === type.InstanceType)) }));
  }

  describeImages(input: DescribeImagesCommandInput) {
    return this.#answer('DescribeImages', input, () => ({
      Images: images.filter((image) =>
        (input.ImageIds === undefined || input.ImageIds.includes(image.ImageId ?? '')) &&
        matches(input.Filters, (name) => (name === 'name' ? [image.Name ?? ''] : name === 'architecture' ? [image.Architecture ?? ''] : name === 'state' ? ['available'] : ['ebs'])),
      ),
    }));
  }

  describeSubnets(input: unknown) {
    return this.#answer('DescribeSubnets', input, () => ({ Subnets: [] }));
  }

  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput) {
    return this.#answer('DescribeSecurityGroups', input, () => ({
      SecurityGroups: [...this.groups.values()].filter((group) => matches(input.Filters, (name) => (name === 'vpc-id' ? [group.VpcId ?? ''] : tagValues(group.Tags, name)))),
    }));
  }

  createSecurityGroup(input: CreateSecurityGroupCommandInput) {
    return this.#answer('CreateSecurityGroup', input, () => {
      if ([...this.groups.values()].some((group) => group.GroupName === input.GroupName)) {
        throw ec2ServiceError({ code: 'InvalidGroup.Duplicate', message: `The security group '${input.GroupName ?? ''}' already exists` });
      }
      const GroupId = `sg-${hex(17)}`;
      this.groups.set(GroupId, { GroupId, GroupName: input.GroupName, VpcId: input.VpcId ?? 'vpc-default', IpPermissions: [], Tags: tagsFor(input.TagSpecifications, 'security-group') });
      return { GroupId };
    });
  }

  authorizeSecurityGroupIngress(input: AuthorizeSecurityGroupIngressCommandInput) {
    return this.#answer('AuthorizeSecurityGroupIngress', input, () => {
      const group = this.groups.get(input.GroupId ?? '');
      if (group === undefined) throw ec2ServiceError({ code: 'InvalidGroup.NotFound', message: `The security group '${input.GroupId ?? ''}' does not exist` });
      group.IpPermissions = [...(group.IpPermissions ?? []), ...(input.IpPermissions ?? [])];
      return { Return: true };
    });
  }

  /** Removes the named CIDR sources; as in a default VPC, sources that are not there are no error. */
  revokeSecurityGroupIngress(input: RevokeSecurityGroupIngressCommandInput) {
    return this.#answer('RevokeSecurityGroupIngress', input, () => {
      const group = this.groups.get(input.GroupId ?? '');
      if (group === undefined) throw ec2ServiceError({ code: 'InvalidGroup.NotFound', message: `The security group '${input.GroupId ?? ''}' does not exist` });
      const sameRange = (a: IpPermission, b: IpPermission): boolean => a.IpProtocol === b.IpProtocol && a.FromPort === b.FromPort && a.ToPort === b.ToPort;
      group.IpPermissions = (group.IpPermissions ?? [])
        .map((held) => {
          const gone = (input.IpPermissions ?? []).filter((asked) => sameRange(asked, held));
          const v4 = new Set(gone.flatMap((asked) => (asked.IpRanges ?? []).map((range) => range.CidrIp)));
          const v6 = new Set(gone.flatMap((asked) => (asked.Ipv6Ranges ?? []).map((range) => range.CidrIpv6)));
          return { ...held, IpRanges: (held.IpRanges ?? []).filter((r) => !v4.has(r.CidrIp)), Ipv6Ranges: (held.Ipv6Ranges ?? []).filter((r) => !v6.has(r.CidrIpv6)) };
        })
        .filter((held) => held.IpRanges.length + held.Ipv6Ranges.length + (held.UserIdGroupPairs ?? []).length > 0);
      return { Return: true };
    });
  }

  deleteSecurityGroup(input: DeleteSecurityGroupCommandInput) {
    return this.#answer('DeleteSecurityGroup', input, () => {
      const id = input.GroupId ?? '';
      if (!this.groups.has(id)) throw ec2ServiceError({ code: 'InvalidGroup.NotFound', message: `The security group '${id}' does not exist` });
      const using = [...this.instances.values()].some((i) => i.State?.Name !== 'terminated' && (i.SecurityGroups ?? []).some((g) => g.GroupId === id));
      if (using) throw ec2ServiceError({ code: 'DependencyViolation', message: `resource ${id} has a dependent object` });
      this.groups.delete(id);
      return { Return: true, GroupId: id };
    });
  }

  runInstances(input: RunInstancesCommandInput & { readonly ClientToken: string }) {
    return this.#answer('RunInstances', input, () => {
      const again = this.instances.get(this.#byToken.get(input.ClientToken) ?? '');
      if (again !== undefined) return { Instances: [again] };
      const zone = input.Placement?.AvailabilityZone ?? this.#zones[0] ?? '';
      if (this.faults.noCapacityIn.has(zone)) {
        const message = `We currently do not have sufficient ${input.InstanceType ?? ''} capacity in the Availability Zone you requested (${zone}).`;
        throw ec2ServiceError({ code: 'InsufficientInstanceCapacity', message, httpStatusCode: 500 });
      }
      const n = this.instances.size + 1;
      const instance: Instance = {
        InstanceId: `i-${hex(17)}`,
        InstanceType: input.InstanceType,
        ImageId: input.ImageId,
        Architecture: 'x86_64',
        Placement: { AvailabilityZone: zone },
        PrivateIpAddress: `10.0.0.${n}`,
        PublicIpAddress: `203.0.113.${n}`,
        State: { Name: 'pending', Code: 0 },
        SecurityGroups: (input.SecurityGroupIds ?? []).map((GroupId) => ({ GroupId })),
        Tags: tagsFor(input.TagSpecifications, 'instance'),
        LaunchTime: new Date(),
      };
      this.instances.set(instance.InstanceId ?? '', instance);
      this.#byToken.set(input.ClientToken, instance.InstanceId ?? '');
      if (input.UserData !== undefined) this.#userData.set(instance.InstanceId ?? '', input.UserData);
      return { Instances: [instance] };
    });
  }

  describeInstances(input: DescribeInstancesCommandInput) {
    return this.#answer('DescribeInstances', input, () => {
      const found = [...this.instances.values()].filter((instance) =>
        matches(input.Filters, (name) =>
          name === 'instance-state-name' ? [instance.State?.Name ?? ''] : name === 'instance-id' ? [instance.InstanceId ?? ''] : tagValues(instance.Tags, name),
        ),
      );
      const answer = { Reservations: [{ Instances: found.map((instance) => structuredClone(instance)) }] };
      // Time passes between listings: a pending machine is running, a shutting-down one gone.
      for (const instance of found) {
        if (instance.State?.Name === 'pending') instance.State = { Name: 'running', Code: 16 };
        else if (instance.State?.Name === 'shutting-down') instance.State = { Name: 'terminated', Code: 48 };
      }
      return answer;
    });
  }

  terminateInstances(input: TerminateInstancesCommandInput) {
    return this.#answer('TerminateInstances', input, () => {
      const ids = input.InstanceIds ?? [];
      const unknown = ids.filter((id) => !this.instances.has(id));
      if (unknown.length > 0) throw ec2ServiceError({ code: 'InvalidInstanceID.NotFound', message: `The instance IDs '${unknown.join(', ')}' do not exist` });
      for (const id of ids) {
        const instance = this.instances.get(id);
        if (instance !== undefined && instance.State?.Name !== 'terminated') instance.State = { Name: 'shutting-down', Code: 32 };
      }
      return { TerminatingInstances: ids.map((InstanceId) => ({ InstanceId })) };
    });
  }

  describeVolumes(input: unknown) {
    // Root volumes go with their instances; nothing is ever left over here.
    return this.#answer('DescribeVolumes', input, () => ({ Volumes: [] }));
  }

  deleteVolume(input: DeleteVolumeCommandInput) {
    return this.#answer('DeleteVolume', input, () => {
      throw ec2ServiceError({ code: 'InvalidVolume.NotFound', message: `The volume '${input.VolumeId ?? ''}' does not exist.` });
    });
  }

  getConsoleOutput(input: GetConsoleOutputCommandInput) {
    return this.#answer('GetConsoleOutput', input, () => {
      const id = input.InstanceId ?? '';
      if (!this.instances.has(id)) throw ec2ServiceError({ code: 'InvalidInstanceID.NotFound', message: `The instance ID '${id}' does not exist` });
      const text = `[    0.000000] Linux version 6.8.0\ncloud-init: booting ${id}\nlogin: \n`;
      return { InstanceId: id, Output: Buffer.from(text).toString('base64') };
    });
  }

  /** The user data RunInstances got, base64 as EC2 answers it (`userData` only, as the provider asks). */
  describeInstanceAttribute(input: DescribeInstanceAttributeCommandInput) {
    return this.#answer('DescribeInstanceAttribute', input, () => {
      const id = input.InstanceId ?? '';
      if (!this.instances.has(id)) throw ec2ServiceError({ code: 'InvalidInstanceID.NotFound', message: `The instance ID '${id}' does not exist` });
      if (input.Attribute !== 'userData') throw ec2ServiceError({ code: 'InvalidParameterValue', message: `the in-memory EC2 answers the userData attribute only, not ${String(input.Attribute)}` });
      const value = this.#userData.get(id);
      return { InstanceId: id, UserData: value === undefined ? {} : { Value: value } };
    });
  }

  /** Logs the call, answers with a switched-on fault or with `answer`'s result (or what it throws). */
  #answer<T>(action: string, input: unknown, answer: () => T): Promise<T> {
    return new Promise((resolve) => {
      this.calls.push({ action, input });
      if (this.faults.refuseCredentials) throw ec2ServiceError({ code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', httpStatusCode: 401 });
      if (this.faults.throttleNext > 0) {
        this.faults.throttleNext -= 1;
        throw ec2ServiceError({ code: 'RequestLimitExceeded', message: 'Request limit exceeded.', httpStatusCode: 503 });
      }
      resolve(answer());
    });
  }
}

/** EC2's filter semantics: every filter matches (AND), by any of its values (OR); `*` and `?` are wildcards. */
function matches(filters: readonly Filter[] | undefined, field: (name: string) => readonly string[]): boolean {
  return (filters ?? []).every((filter) => {
    const values = field(filter.Name ?? '');
    return (filter.Values ?? []).some((wanted) => values.some((value) => glob(wanted).test(value)));
  });
}

function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** `tag:KEY` → the tag's value; `tag-key` → every key. */
function tagValues(tags: readonly Tag[] | undefined, name: string): string[] {
  if (name === 'tag-key') return (tags ?? []).map((tag) => tag.Key ?? '');
  if (!name.startsWith('tag:')) return [];
  return (tags ?? []).filter((tag) => tag.Key === name.slice(4)).map((tag) => tag.Value ?? '');
}

function tagsFor(specifications: readonly TagSpecification[] | undefined, resourceType: string): Tag[] {
  return (specifications ?? []).filter((spec) => spec.ResourceType === resourceType).flatMap((spec) => spec.Tags ?? []);
}

function hex(length: number): string {
  return randomBytes(length).toString('hex').slice(0, length);
}
