import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import type { Storage } from '../../storage/index.js';
import {
  ConfigError, ZoneIndependentError, throwIfCancelled, type AllInstancesParams, type AvailabilityZone, type ConsoleEnviron, type ConsoleOutput,
  type ConstraintDefaults, type ConstraintDefaultsEnviron, type ConstraintDefaultsParams,
  type EnvironmentIdentity, type FirewalledEnviron, type IngressRule, type Instance, type InstancesParams, type InstanceType,
  type InstanceTypeCatalogue, type InstanceTypesParams, type Logger, type PlanningEnviron, type PlanStartParams, type PreflightParams,
  type PreflightResult, type PrepareParams, type PrepareResult, type ProviderPlan, type RoutedEnviron, type SshRoute, type StartInstanceParams,
  type StartInstanceResult, type StopInstancesParams, type TeardownParams, type TeardownResult, type UserDataEnviron, type ZonedEnviron,
} from '../../src/index.js';
import { ec2Capabilities } from './capabilities.js';
import { readEc2Console } from './console-output.js';
import { closeEc2Ports, ec2IngressRules, openEc2Ports, type Ec2FirewallParams } from './firewall.js';
import { defaultEc2Timing, type Ec2Timing } from './ec2-timing.js';
import { stateLocation, storagePrefix } from './ec2-tags.js';
import { Ec2Tagging } from './resource-tagging.js';
import type { Ec2Config } from './config.js';
import type { Ec2Api } from './ec2-api.js';
import type { Ec2StateLocation } from './ec2-services.js';
import { ec2ConstraintDefaults } from './constraint-defaults.js';
import { ImageMemo } from './image-memo.js';
import { toInstance } from './instance-view.js';
import { resolveJumpRoute } from './jump-route.js';
import { resolveNetwork, zoneSubnet, type Ec2Network } from './network.js';
import { ec2HealthChecks } from './health-checks.js';
import type { IamAdapter } from './iam-adapter.js';
import { checkInstanceProfile } from './instance-profile-check.js';
import { chooseStart, withSignal, type ChooseStartParams, type StartChoices } from './start-choices.js';
import { describeOwnedInstances } from './owned-instances.js';
import { Memo } from './memo.js';
import { SharedListing } from './shared-listing.js';
import { planEc2Start } from './plan-start.js';
import { runInstance } from './run-instance.js';
import { ensureSecurityGroup } from './security-group.js';
import { tearDownEc2 } from './teardown.js';
import { TypeCatalogue } from './type-catalogue.js';
import { terminateOwned } from './terminate.js';
import { readEc2UserData } from './user-data.js';
import { fetchZones } from './zones.js';

export interface Ec2EnvironParams {
  readonly environment: EnvironmentIdentity;
  readonly config: Ec2Config & { readonly bucket: string };
  /** The region the clients were made for (resolved from the SDK's chain when not configured). */
  readonly region: string;
  readonly api: Ec2Api;
  /** provider-state's storage at a location (`s3StateStorage(client)` on AWS). */
  readonly stateStorage: (location: Ec2StateLocation) => Storage;
  readonly timing?: Ec2Timing;
  readonly logger?: Logger | undefined;
  /** IAM, for preflight's check of `instance-profile`; absent: RunInstances is the check. */
  readonly iam?: IamAdapter | undefined;
}

/** How long a machine this process started is trusted to exist before EC2's listings show it. */
const listingLagMs = 5 * 60_000;

/**
 * One environment on EC2. Instances, the security group and root volumes carry the
 * environment's tags from creation; provider-state lives in S3. Read-only answers (zones,
 * instance types, images, the network) are fetched once per Environ.
 */
export class Ec2Environ implements ZonedEnviron, InstanceTypeCatalogue, RoutedEnviron, ConsoleEnviron, UserDataEnviron, FirewalledEnviron, PlanningEnviron, ConstraintDefaultsEnviron {
  readonly provider = 'ec2';
  readonly sshUser = 'ubuntu';
  readonly capabilities = ec2Capabilities;
  readonly environment: EnvironmentIdentity;
  readonly #config: Ec2EnvironParams['config'];
  readonly #api: Ec2Api;
  readonly #iam: IamAdapter | undefined;
  readonly #region: string;
  readonly #storage: Storage;
  /** Opens storage at a location: `planStart` lists the whole bucket, read-only, to tell whether a bootstrap would create it. */
  readonly #stateStorage: Ec2EnvironParams['stateStorage'];
  readonly #stateLocation: string;
  /** Tags beyond common code's: resource-tags, where provider-state lives, the expiry. */
  readonly #tagging: Ec2Tagging;
  readonly #timing: Ec2Timing;
  readonly #zones = new Memo<AvailabilityZone[]>();
  readonly #network = new Memo<Ec2Network>();
  readonly #route = new Memo<SshRoute>();
  readonly #prepared = new Memo<PrepareResult>();
  /** The security group this Environ prepared, once it has. */
  #groupId: string | undefined;
  readonly #images: ImageMemo;
  readonly #listing: SharedListing<Ec2Instance[]>;
  readonly #types: TypeCatalogue;
  /** Machines this Environ started, answered for until EC2's listings catch up. */
  readonly #started = new Map<string, { instance: Instance; at: number }>();

  constructor(params: Ec2EnvironParams) {
    this.environment = params.environment;
    this.#config = params.config;
    this.#api = params.api;
    this.#iam = params.iam;
    this.#region = params.region;
    this.#timing = params.timing ?? defaultEc2Timing;
    this.#listing = new SharedListing({ maxAgeMs: this.#timing.listingMaxAgeMs });
    this.#types = new TypeCatalogue({ api: params.api, region: params.region });
    this.#images = new ImageMemo(params.api, params.config);
    const prefix = storagePrefix(params.config.prefix, params.environment);
    this.#storage = params.stateStorage({ bucket: params.config.bucket, prefix, createBucket: true });
    this.#stateStorage = params.stateStorage;
    this.#stateLocation = stateLocation(params.config.bucket, prefix);
    this.#tagging = new Ec2Tagging({ stateLocation: this.#stateLocation, storage: this.#storage, resourceTags: params.config.resourceTags, ttlMs: params.config.ttlMs });
  }

  storage(): Storage {
    return this.#storage;
  }

  async preflight(params: PreflightParams): Promise<PreflightResult> {
    throwIfCancelled(params.signal, 'ec2 preflight');
    const zones = await this.availabilityZones(params);
    const route = await this.sshRoute();
    // A configured image that does not exist is bad config: say so before anything is created.
    const image = this.#config.image === undefined ? undefined : await this.#images.get({ arch: undefined, signal: params.signal });
    const profile = this.#config.instanceProfile;
    const instanceProfile = profile === undefined ? undefined : await checkInstanceProfile({ iam: this.#iam, profile, signal: params.signal });
    return ec2HealthChecks({ config: this.#config, region: this.#region, zones, route, image, instanceProfile });
  }

  /** Once per Environ: machines started later in the same run use the group this found or made. */
  async prepare(params: PrepareParams): Promise<PrepareResult> {
    const call = { didTheWork: false };
    const result = await this.#prepared.get(() => {
      call.didTheWork = true;
      return this.#prepare(params);
    });
    // Only the call that did the work created anything.
    return call.didTheWork ? result : { ...result, created: false };
  }

  async #prepare(params: PrepareParams): Promise<PrepareResult> {
    const network = await this.#resolveNetwork(params.signal);
    const group = await ensureSecurityGroup({
      api: this.#api,
      environment: this.environment,
      vpcId: network.vpcId,
      sshCidrs: this.#config.sshCidrs,
      newGroupTags: () => this.#tagging.forNewGroup(params),
      signal: params.signal,
    });
    this.#tagging.learnFromGroup(group.tags);
    this.#groupId = group.groupId;
    return { resources: { 'security-group': group.groupId, ...(network.vpcId === undefined ? {} : { vpc: network.vpcId }) }, created: group.created };
  }

  async startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    throwIfCancelled(params.signal, `starting machine ${params.machineId}`);
    if (params.placement !== undefined) {
      throw new ZoneIndependentError(new ConfigError(`the ec2 provider takes no placement ("${params.placement}"); use constraints and zones`));
    }
    const { typeName, type, network, image } = await this.#startChoices(params);
    const subnetId = zoneSubnet(network, params.zone);
    const prepared = await this.prepare(withSignal(params));
    const instance = await runInstance({
      api: this.#api,
      start: { ...params, tags: this.#tagging.forMachine(params.tags) },
      image,
      instanceType: typeName,
      securityGroupId: prepared.resources['security-group'] ?? '',
      subnetId,
      launch: this.#config,
      iamPropagation: this.#timing.iamPropagationRetry ?? defaultEc2Timing.iamPropagationRetry,
    });
    this.#started.set(instance.id, { instance, at: Date.now() });
    const hardware = type === undefined ? instance.hardware : { ...instance.hardware, cores: type.cores, memoryMiB: type.memoryMiB, arch: type.arch };
    return { instance, ...(hardware === undefined ? {} : { hardware }) };
  }

  /** What starting `params` would do, with read-only calls only (see `planEc2Start`). */
  async planStart(params: PlanStartParams): Promise<ProviderPlan> {
    throwIfCancelled(params.signal, `planning machine ${params.machineId}`);
    const choices = await this.#startChoices({ ...params, zone: params.zones[0] });
    // A bootstrap creates a missing bucket on its first write: one listing says whether it exists.
    const bucket = params.bootstrap ? this.#stateStorage({ bucket: this.#config.bucket, prefix: '', createBucket: false }) : undefined;
    const bucketListed = bucket === undefined ? undefined : (await bucket.list({ limit: 1, ...withSignal(params) })).objects.length > 0;
    return planEc2Start({ start: params, api: this.#api, environment: this.environment, config: this.#config, region: this.#region, choices, stateLocation: this.#stateLocation, bucketListed });
  }

  async stopInstances(params: StopInstancesParams): Promise<void> {
    this.#listing.invalidate();
    await terminateOwned({
      api: this.#api,
      environment: this.environment,
      ids: params.ids,
      waitUntilGone: params.waitUntilGone === true,
      pollMs: this.#timing.terminatePollMs,
      signal: params.signal,
    });
  }

  async instances(params: InstancesParams): Promise<readonly (Instance | undefined)[]> {
    if (params.ids.length === 0) return [];
    // Every machine's waitSSH refreshes on its own: one shared listing answers them all.
    const owned = await this.#listing.get(() => describeOwnedInstances({ api: this.#api, environment: this.environment, what: 'refreshing the machines' }), params.signal);
    const byId = new Map(owned.map((instance) => [instance.InstanceId ?? '', toInstance(instance)]));
    return params.ids.map((id) => byId.get(id) ?? this.#justStarted(id));
  }

  async allInstances(params: AllInstancesParams): Promise<readonly Instance[]> {
    const owned = await describeOwnedInstances({ api: this.#api, environment: this.environment, liveOnly: true, what: 'listing the machines', signal: params.signal });
    return owned.map(toInstance);
  }

  async teardown(params: TeardownParams): Promise<TeardownResult> {
    // What prepare made is about to be gone: a later prepare on this Environ makes it again.
    this.#groupId = undefined;
    this.#prepared.reset();
    return tearDownEc2({ api: this.#api, environment: this.environment, dependencyRetry: this.#timing.dependencyRetry, signal: params.signal });
  }

  availabilityZones(params: { readonly signal?: AbortSignal }): Promise<readonly AvailabilityZone[]> {
    return this.#zones.get(async () => {
      const zones = await fetchZones(this.#api, params.signal);
      const network = await this.#resolveNetwork(params.signal);
      // With a configured network, a zone without a subnet cannot take machines.
      return network.subnetByZone.size === 0 ? zones : zones.map((zone) => ({ ...zone, available: zone.available && network.subnetByZone.has(zone.name) }));
    });
  }

  async instanceZones(params: { readonly ids: readonly string[]; readonly signal?: AbortSignal }): Promise<readonly (string | undefined)[]> {
    return (await this.instances(params)).map((instance) => instance?.zone);
  }

  async deriveZones(params: { readonly signal?: AbortSignal }): Promise<readonly string[]> {
    const network = await this.#resolveNetwork(params.signal);
    return [...network.subnetByZone.keys()].sort();
  }

  instanceTypes(params: InstanceTypesParams): Promise<readonly InstanceType[]> {
    return this.#types.types(params);
  }

  /** amd64 (or the configured image's architecture) and the controller's memory floor; the configured image checked (see `ec2ConstraintDefaults`). */
  constraintDefaults(params: ConstraintDefaultsParams): Promise<ConstraintDefaults> {
    return ec2ConstraintDefaults({ ...params, config: this.#config, images: this.#images, instanceTypes: (p) => this.instanceTypes(p) });
  }

  /** GetConsoleOutput, for this environment's instances only (see `readEc2Console`). */
  consoleOutput(params: { readonly id: string; readonly lines?: number; readonly signal?: AbortSignal }): Promise<ConsoleOutput | undefined> {
    return readEc2Console({ ...params, api: this.#api, environment: this.environment, region: this.#region, startedHere: this.#justStarted(params.id) !== undefined });
  }

  /** DescribeInstanceAttribute userData, for this environment's live instances only (see `readEc2UserData`). */
  instanceUserData(params: { readonly id: string; readonly signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    return readEc2UserData({ ...params, api: this.#api, environment: this.environment, startedHere: this.#justStarted(params.id) !== undefined });
  }

  /** The sources the security group opens beyond envboot's SSH (see `ec2IngressRules`). */
  async ingressRules(params: { readonly signal?: AbortSignal }): Promise<readonly IngressRule[]> {
    return ec2IngressRules(await this.#firewall(params.signal));
  }

  async openPorts(params: { readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal }): Promise<void> {
    await openEc2Ports({ ...(await this.#firewall(params.signal)), rules: params.rules });
  }

  async closePorts(params: { readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal }): Promise<void> {
    await closeEc2Ports({ ...(await this.#firewall(params.signal)), rules: params.rules });
  }

  /** Local work only (files, known_hosts), resolved once. */
  sshRoute(): Promise<SshRoute> {
    return this.#route.get(() => resolveJumpRoute(this.#config));
  }

  async #firewall(signal: AbortSignal | undefined): Promise<Ec2FirewallParams> {
    const network = await this.#resolveNetwork(signal);
    return { api: this.#api, environment: this.environment, vpcId: network.vpcId, groupId: this.#groupId, sshCidrs: this.#config.sshCidrs, consistency: this.#timing.consistencyRetry, signal };
  }

  /** The instance type, network and image a start uses, from the Environ's memos: the same for `startInstance` and `planStart`. */
  #startChoices(start: ChooseStartParams['start']): Promise<StartChoices> {
    const defaults = (params: ConstraintDefaultsParams): Promise<ConstraintDefaults> => this.constraintDefaults(params);
    return chooseStart({ api: this.#api, instanceTypes: (params) => this.instanceTypes(params), network: (signal) => this.#resolveNetwork(signal), images: this.#images, defaults, start });
  }

  #resolveNetwork(signal: AbortSignal | undefined): Promise<Ec2Network> {
    return this.#network.get(() => resolveNetwork({ api: this.#api, config: this.#config, signal }));
  }

  #justStarted(id: string): Instance | undefined {
    const started = this.#started.get(id);
    return started !== undefined && Date.now() - started.at < listingLagMs ? started.instance : undefined;
  }
}
