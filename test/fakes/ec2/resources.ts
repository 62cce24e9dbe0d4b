/**
 * The resources the fake EC2 holds, as tests inspect them. The fake keeps these very
 * objects and updates them in place; the readonly types keep tests from doing the same.
 */
import type { LaunchOptions } from './launch-options.js';
import type { Tags } from './query-params.js';

export type { Tags };

export type FakeEc2InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/** EC2's numeric state codes (the low byte of `instanceState/code`). */
export const stateCodes: Readonly<Record<FakeEc2InstanceState, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export type FakeEc2Architecture = 'x86_64' | 'arm64';

export interface FakeEc2BlockDevice {
  readonly deviceName: string;
  readonly volumeId: string;
  readonly deleteOnTermination: boolean;
}

export interface FakeEc2Instance {
  readonly id: string;
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly architecture: FakeEc2Architecture;
  readonly zone: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly privateIp: string;
  /** Absent when the subnet does not map public addresses. From 203.0.113.0/24 (TEST-NET-3). */
  readonly publicIp?: string;
  readonly state: FakeEc2InstanceState;
  readonly launchTime: Date;
  readonly tags: Tags;
  readonly securityGroupIds: readonly string[];
  /** Decoded from base64; still gzip if it was sent gzipped. */
  readonly userData: Buffer;
  readonly keyName?: string;
  readonly httpTokens: 'optional' | 'required';
  readonly httpEndpoint: 'enabled' | 'disabled';
  readonly shutdownBehavior: 'stop' | 'terminate';
  readonly clientToken?: string;
  readonly amiLaunchIndex: number;
  readonly blockDevices: readonly FakeEc2BlockDevice[];
  /** The instance profile and spot request it was launched with. */
  readonly launch?: LaunchOptions;
}

export interface FakeEc2VolumeAttachment {
  readonly instanceId: string;
  readonly device: string;
  readonly deleteOnTermination: boolean;
  readonly attachTime: Date;
}

export interface FakeEc2Volume {
  readonly id: string;
  readonly size: number;
  readonly volumeType: string;
  readonly zone: string;
  readonly state: 'available' | 'in-use';
  readonly createTime: Date;
  readonly tags: Tags;
  readonly attachment?: FakeEc2VolumeAttachment;
}

/** One source of one rule; EC2's grouped `ipPermissions` are rebuilt from these. */
export interface FakeEc2Rule {
  readonly id: string;
  /** `tcp`, `udp`, `icmp`, or `-1` for every protocol (then there are no ports). */
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIp?: string;
  readonly cidrIpv6?: string;
  readonly groupId?: string;
  readonly description?: string;
}

export interface FakeEc2SecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly tags: Tags;
  readonly ingress: readonly FakeEc2Rule[];
  readonly egress: readonly FakeEc2Rule[];
}

export interface FakeEc2Subnet {
  readonly id: string;
  readonly vpcId: string;
  readonly zone: string;
  readonly cidrBlock: string;
  readonly mapPublicIpOnLaunch: boolean;
  readonly defaultForAz: boolean;
  readonly tags: Tags;
}

export interface FakeEc2Vpc {
  readonly id: string;
  readonly cidrBlock: string;
  readonly isDefault: boolean;
  readonly tags: Tags;
}

export interface FakeEc2Zone {
  readonly name: string;
  readonly id: string;
  readonly state: 'available' | 'information' | 'impaired' | 'unavailable';
  readonly type: 'availability-zone' | 'local-zone';
}

export interface FakeEc2InstanceType {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly architecture: FakeEc2Architecture;
  /** T-family types; default: names starting with `t`. */
  readonly burstable?: boolean;
  readonly freeTierEligible?: boolean;
}

export interface FakeEc2Image {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  /** `amazon` or `aws-marketplace` for their images, which `Owner.N` and the `owner-alias` filter find by it; default none (''). */
  readonly ownerAlias?: '' | 'amazon' | 'aws-marketplace';
  readonly architecture: FakeEc2Architecture;
  /** ISO 8601, as EC2 sends it: `2025-06-01T08:12:33.000Z`. */
  readonly creationDate: string;
  readonly state?: 'available' | 'pending' | 'failed' | 'deregistered';
  readonly rootDeviceName?: string;
  readonly rootDeviceType?: 'ebs' | 'instance-store';
  readonly virtualizationType?: 'hvm' | 'paravirtual';
  readonly public?: boolean;
  /** GiB of the root snapshot: the smallest root volume a launch may ask for. */
  readonly rootVolumeSize?: number;
}

/** Writable views used inside the fake. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };
