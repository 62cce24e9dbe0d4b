import { type InstanceTypeRecord, defaultInstanceTypes, instanceTypeRecord } from './catalogue.js';
import { type FakeEc2Hooks, HookRunner } from './hooks.js';
import { type ImageRecord, defaultImages, imageRecord } from './images.js';
import type { FakeEc2ProfileLookup } from './launch-options.js';
import { type FakeEc2ZoneOption, addDefaultNetwork, zoneRecords } from './network.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import type {
  FakeEc2Image,
  FakeEc2Instance,
  FakeEc2InstanceType,
  FakeEc2Rule,
  FakeEc2SecurityGroup,
  FakeEc2Subnet,
  FakeEc2Volume,
  FakeEc2Vpc,
  FakeEc2Zone,
  Writable,
} from './resources.js';

export interface InstanceRecord extends Writable<FakeEc2Instance> {
  /** Further DescribeInstances looks before a `pending` or `shutting-down` instance moves on. */
  pollsLeft: number;
  stateReason?: { readonly code: string; readonly message: string };
  stateTransitionReason: string;
  /** What the instance printed on its console, as a test set it; EC2 has none at first. */
  consoleOutput?: string;
}

export interface SubnetRecord extends Writable<FakeEc2Subnet> {
  hostsIssued: number;
}

export interface SecurityGroupRecord extends Writable<FakeEc2SecurityGroup> {
  ingress: FakeEc2Rule[];
  egress: FakeEc2Rule[];
}

export type VolumeRecord = Writable<FakeEc2Volume>;

/** A RunInstances remembered by its ClientToken, so a repeat returns the same reservation. */
export interface Launch {
  /** The request's other fields, to refuse a reuse of the token with different arguments. */
  readonly fingerprint: string;
  readonly reservationId: string;
  readonly instanceIds: readonly string[];
}

/** Everything the fake holds: one account's resources in one region. */
export interface Ec2State {
  readonly region: string;
  readonly accountId: string;
  readonly zones: readonly FakeEc2Zone[];
  readonly instanceTypes: ReadonlyMap<string, InstanceTypeRecord>;
  /** Zone name → the instance types launchable there. */
  readonly offerings: ReadonlyMap<string, ReadonlySet<string>>;
  readonly images: readonly ImageRecord[];
  readonly vpcs: FakeEc2Vpc[];
  readonly subnets: SubnetRecord[];
  readonly securityGroups: Map<string, SecurityGroupRecord>;
  readonly instances: Map<string, InstanceRecord>;
  readonly volumes: Map<string, VolumeRecord>;
  readonly launches: Map<string, Launch>;
  readonly lifecycle: { readonly pendingPolls: number; readonly terminatingPolls: number };
  readonly hooks: HookRunner;
  readonly now: () => Date;
  /** A fresh id such as `i-0a1b2c3d4e5f60718` (17 hex digits, as AWS's): random-looking but fixed by the seed. */
  readonly newId: (prefix: string) => string;
  publicIpsIssued: number;
  readonly instanceProfiles: FakeEc2ProfileLookup | undefined;
}

/** How the fake is set up; `startFakeEc2` takes these. */
export interface StateOptions extends FakeEc2Hooks {
  /** The region served; default `us-east-1`. Clients must sign for it. */
  readonly region?: string;
  /** Default: `${region}a`, `b` and `c`, available. Each availability zone gets a default subnet. */
  readonly zones?: readonly FakeEc2ZoneOption[];
  /** The instance type catalogue; default: a realistic set of current types. */
  readonly instanceTypes?: readonly FakeEc2InstanceType[];
  /** Zone → the types launchable there; a zone not listed offers the whole catalogue. */
  readonly offerings?: Readonly<Record<string, readonly string[]>>;
  /** Default: Canonical's Ubuntu 24.04 (two serials, both architectures) and 22.04. */
  readonly images?: readonly FakeEc2Image[];
  /** DescribeInstances looks an instance stays `pending` for; default 1. */
  readonly pendingPolls?: number;
  /** DescribeInstances looks an instance stays `shutting-down` for; default 1. */
  readonly terminatingPolls?: number;
  /** Seeds the throttling draws and the generated ids; default 1. */
  readonly seed?: number;
  /** The clock for launch and create times; default the real one. */
  readonly now?: () => Date;
  /** The instance profiles RunInstances may name; default: any (see `FakeEc2ProfileLookup`). */
  readonly instanceProfiles?: FakeEc2ProfileLookup;
}

/** The account every resource belongs to (AWS's documentation example account). */
export const fakeAccountId = '123456789012';

export function createState(options: StateOptions): Ec2State {
  const region = options.region ?? 'us-east-1';
  const zones = zoneRecords(region, options.zones);
  const instanceTypes = new Map((options.instanceTypes ?? defaultInstanceTypes).map((type) => [type.name, instanceTypeRecord(type)]));
  const everyType = [...instanceTypes.keys()];
  const offerings = new Map(zones.map((zone) => [zone.name, new Set(options.offerings?.[zone.name] ?? everyType)]));
  const state: Ec2State = {
    region,
    accountId: fakeAccountId,
    zones,
    instanceTypes,
    offerings,
    images: (options.images ?? defaultImages).map(imageRecord),
    vpcs: [],
    subnets: [],
    securityGroups: new Map(),
    instances: new Map(),
    volumes: new Map(),
    launches: new Map(),
    lifecycle: { pendingPolls: options.pendingPolls ?? 1, terminatingPolls: options.terminatingPolls ?? 1 },
    hooks: new HookRunner(options),
    now: options.now ?? (() => new Date()),
    newId: idSource(options.seed ?? 1),
    publicIpsIssued: 0,
    instanceProfiles: options.instanceProfiles,
  };
  addDefaultNetwork(state);
  return state;
}

function idSource(seed: number): (prefix: string) => string {
  // Its own sequence, apart from the throttling draws, so creating resources never shifts
  // which requests a throttle rate picks.
  const random = seededRandom(seed ^ 0x5bd1e995);
  const issued = new Set<string>();
  return (prefix) => {
    for (;;) {
      const hex = Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
      const id = `${prefix}-0${hex}`;
      if (issued.has(id)) continue;
      issued.add(id);
      return id;
    }
  };
}
