import type { Storage } from '../../../storage/index.js';
import { ConfigError, throwIfCancelled } from '../../errors/index.js';
import { groupPairs, pairKey, pairsOf } from '../../firewall/index.js';
import {
  isOwnedBy,
  type AllInstancesParams,
  type AvailabilityZone,
  type EnvironmentIdentity,
  type ChangePortsParams,
  type FirewalledEnviron,
  type IngressRulesParams,
  type IngressRule,
  type Instance,
  type InstancesParams,
  type InstanceType,
  type InstanceTypeCatalogue,
  type PlanningEnviron,
  type PlanStartParams,
  type PreflightParams,
  type PreflightResult,
  type PrepareParams,
  type PrepareResult,
  type ProviderPlan,
  type StartInstanceParams,
  type StartInstanceResult,
  type StopInstancesParams,
  type TeardownParams,
  type TeardownResult,
  type UserDataEnviron,
  type ZonedEnviron,
} from '../../provider/index.js';
import { delay, untilSettled } from './abortable.js';
import { fakeCapabilities } from './capabilities.js';
import type { FakeCloud } from './fake-cloud.js';
import type { FakeMachine } from './fake-machine.js';
import { checkCredentials, checkOpenPortsFault, checkStartFaults, noFaults, type FakeFaults } from './faults.js';
import { hardwareOfType } from './instance-types.js';
import { planFakeStart } from './plan-start.js';
import { checkStartRequest } from './start-request.js';

/** One call a `FakeEnviron` received, as recorded in `environ.calls`. */
export interface FakeCall {
  readonly method: string;
  readonly ids?: readonly string[];
  readonly zone?: string;
  readonly machineId?: string;
}

export interface FakeEnvironParams {
  readonly cloud: FakeCloud;
  readonly environment: EnvironmentIdentity;
  readonly zones: readonly string[];
  /** The instance-type catalogue; a type with `zones` is offered only there. */
  readonly instanceTypes: readonly InstanceType[];
  readonly storage: Storage;
  readonly sshUser: string;
  /** Machines behave like a cloud image whose default user is `sshUser` (see `SshTestHost`'s `defaultUser`). */
  readonly cloudImage: boolean;
  readonly now: () => Date;
}

/**
 * An environment on the fake cloud: the core contract plus zones, an instance-type
 * catalogue, a firewall (its security group's ingress, as EC2's) and user-data read back
 * (as EC2's DescribeInstanceAttribute), with faults a test can switch on at any time (`faults`) and a log of every
 * call (`calls`; `storage()` is not a cloud call and is not logged). Machines are real
 * SSH servers on 127.0.0.1 (see `FakeMachine`). Call `close()` when the test ends.
 */
export class FakeEnviron implements ZonedEnviron, InstanceTypeCatalogue, FirewalledEnviron, UserDataEnviron, PlanningEnviron {
  readonly provider = 'fake';
  readonly capabilities = fakeCapabilities;
  readonly environment: EnvironmentIdentity;
  /**
   * With `createFakeProvider({ defaultUser })`, a cloud image's default user: machines run
   * sessions as that non-root user with passwordless sudo and refuse root as cloud-init
   * does. Otherwise the OS user running the tests (`os.userInfo().username`): the
   * machines' SSH servers accept any user name but run every command as this process's
   * user, so when tests run as root, configuration runs without `sudo`; as anyone else,
   * common code uses `sudo -n`, which then needs passwordless sudo on this host.
   */
  readonly sshUser: string;
  /** Faults to inject; mutable at any time. */
  readonly faults: FakeFaults = noFaults();
  /** Every call received, oldest first, failed and cancelled ones included. */
  readonly calls: FakeCall[] = [];
  readonly #cloud: FakeCloud;
  readonly #zones: readonly string[];
  readonly #types: readonly InstanceType[];
  readonly #storage: Storage;
  readonly #now: () => Date;
  readonly #cloudImage: boolean;

  constructor(params: FakeEnvironParams) {
    this.#cloud = params.cloud;
    this.environment = params.environment;
    this.#zones = [...params.zones];
    this.#types = params.instanceTypes;
    this.#storage = params.storage;
    this.sshUser = params.sshUser;
    this.#cloudImage = params.cloudImage;
    this.#now = params.now;
  }

  storage(): Storage {
    return this.#storage;
  }

  preflight(params: PreflightParams): Promise<PreflightResult> {
    return this.#call({ method: 'preflight' }, params.signal, () => ({ warnings: [...this.faults.preflightWarnings] }));
  }

  prepare(params: PrepareParams): Promise<PrepareResult> {
    return this.#call({ method: 'prepare' }, params.signal, () => {
      const group = this.#cloud.securityGroup(this.environment.uuid);
      return { resources: { securityGroup: group.id }, created: group.created };
    });
  }

  /**
   * Answers after `faults.startDelayMs` with a `pending` instance, then boots it in the
   * background. Rejects, creating nothing, under the start faults, for an unknown zone or
   * instance type, a type the zone does not offer (`CAPACITY_UNAVAILABLE`, as EC2), or when
   * `tags` lack this environment's ownership tags.
   */
  startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    const call = { method: 'startInstance', machineId: params.machineId, ...(params.zone === undefined ? {} : { zone: params.zone }) };
    return this.#call(call, params.signal, async () => {
      await delay(this.faults.startDelayMs, params.signal, `starting machine ${params.machineId}`);
      const zone = params.zone ?? this.#zones[0];
      checkStartFaults(this.faults, { zone, now: this.#now() });
      checkStartRequest({ start: params, zone, zones: this.#zones, environment: this.environment });
      const hardware = hardwareOfType({ catalogue: this.#types, name: params.instanceType ?? params.constraints.instanceType, zone });
      const machine = this.#cloud.createMachine({ tags: params.tags, zone, hardware });
      machine.boot({
        userData: params.userData,
        defaultUser: this.sshUser,
        cloudImage: this.#cloudImage,
        bootDelayMs: this.faults.bootDelayMs,
        failBoot: this.faults.failBoot,
        deadCloudLocalAddress: this.faults.deadCloudLocalAddress,
      });
      return { instance: machine.view(), ...(hardware === undefined ? {} : { hardware }) };
    });
  }

  /** The plan ability: what a start would do on the fake cloud as it is now (see `planFakeStart`); changes nothing. */
  planStart(params: PlanStartParams): Promise<ProviderPlan> {
    return this.#call({ method: 'planStart', machineId: params.machineId }, params.signal, () =>
      planFakeStart({ start: params, cloud: this.#cloud, environment: this.environment, faults: this.faults }),
    );
  }

  /**
   * Terminates the instances this environment owns among `ids`; the others, and those
   * already gone, are success. With `faults.failStopIds`, stops the rest, then rejects
   * naming the ids left running.
   */
  stopInstances(params: StopInstancesParams): Promise<void> {
    return this.#call({ method: 'stopInstances', ids: [...params.ids] }, params.signal, async () => {
      const owned = params.ids.flatMap((id) => this.#owned(id) ?? []);
      const refused = owned.filter((m) => m.status !== 'terminated' && this.faults.failStopIds.has(m.id));
      const stopped = Promise.all(owned.filter((m) => !refused.includes(m)).map((m) => m.stop()));
      // Without waitUntilGone the hosts go away in the background; close() waits for them.
      stopped.catch(() => undefined);
      if (params.waitUntilGone === true) await untilSettled(stopped, params.signal, 'stopping instances');
      if (refused.length > 0) {
        const ids = refused.map((m) => m.id).join(', ');
        throw new Error(`the fake cloud did not stop ${ids} (injected fault failStopIds); they are still running: retry stopInstances`);
      }
    });
  }

  instances(params: InstancesParams): Promise<readonly (Instance | undefined)[]> {
    return this.#call({ method: 'instances', ids: [...params.ids] }, params.signal, () =>
      params.ids.map((id) => this.#live(id)?.view()),
    );
  }

  allInstances(params: AllInstancesParams): Promise<readonly Instance[]> {
    return this.#call({ method: 'allInstances' }, params.signal, () =>
      this.machines().flatMap((m) => (m.status === 'terminated' ? [] : [m.view()])),
    );
  }

  teardown(params: TeardownParams): Promise<TeardownResult> {
    return this.#call({ method: 'teardown' }, params.signal, () => {
      const group = this.#cloud.deleteSecurityGroup(this.environment.uuid);
      return { removed: group === undefined ? [] : [`security group ${group}`], failures: [] };
    });
  }

  availabilityZones(params: { readonly signal?: AbortSignal }): Promise<readonly AvailabilityZone[]> {
    return this.#call({ method: 'availabilityZones' }, params.signal, () =>
      this.#zones.map((name) => ({ name, available: !this.faults.unavailableZones.has(name) })),
    );
  }

  instanceZones(params: { readonly ids: readonly string[]; readonly signal?: AbortSignal }): Promise<readonly (string | undefined)[]> {
    return this.#call({ method: 'instanceZones', ids: [...params.ids] }, params.signal, () =>
      params.ids.map((id) => this.#live(id)?.zone),
    );
  }

  deriveZones(params: {
    readonly start: Omit<StartInstanceParams, 'signal' | 'userData'>;
    readonly signal?: AbortSignal;
  }): Promise<readonly string[]> {
    const zone = params.start.zone;
    return this.#call({ method: 'deriveZones', ...(zone === undefined ? {} : { zone }) }, params.signal, () =>
      zone === undefined ? [] : [zone],
    );
  }

  /** The user-data a live instance of this environment was started with, byte for byte, as EC2 keeps it. */
  instanceUserData(params: { readonly id: string; readonly signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    return this.#call({ method: 'instanceUserData', ids: [params.id] }, params.signal, () => this.#live(params.id)?.userData);
  }

  instanceTypes(params: { readonly signal?: AbortSignal }): Promise<readonly InstanceType[]> {
    return this.#call({ method: 'instanceTypes' }, params.signal, () => this.#types);
  }

  ingressRules(params: IngressRulesParams): Promise<readonly IngressRule[]> {
    return this.#call({ method: 'ingressRules' }, params.signal, () => groupPairs([...(this.#cloud.ingress(this.environment.uuid)?.values() ?? [])]));
  }

  openPorts(params: ChangePortsParams): Promise<void> {
    return this.#call({ method: 'openPorts' }, params.signal, () => {
      const ingress = this.#cloud.ingress(this.environment.uuid);
      if (ingress === undefined) throw new ConfigError(`environment "${this.environment.name}" has no security group on the fake cloud: prepare it first`);
      checkOpenPortsFault(this.faults, this.environment);
      // What an operator opens is never reserved: the fake keeps nothing open for envboot itself.
      for (const pair of params.rules.flatMap(pairsOf)) ingress.set(pairKey(pair), { protocol: pair.protocol, fromPort: pair.fromPort, toPort: pair.toPort, cidr: pair.cidr });
    });
  }

  closePorts(params: ChangePortsParams): Promise<void> {
    return this.#call({ method: 'closePorts' }, params.signal, () => {
      const ingress = this.#cloud.ingress(this.environment.uuid);
      for (const pair of params.rules.flatMap(pairsOf)) ingress?.delete(pairKey(pair));
    });
  }

  /** Every machine this environment owns, terminated ones included, oldest first. */
  machines(): FakeMachine[] {
    return this.#cloud.machines().filter((m) => isOwnedBy(m.tags, this.environment));
  }

  /**
   * Stops every machine of this environment and waits until their SSH servers, boot
   * scripts and directories are gone. For test cleanup; idempotent.
   */
  async close(): Promise<void> {
    await Promise.allSettled(this.machines().map((m) => m.stop()));
  }

  async #call<T>(call: FakeCall, signal: AbortSignal | undefined, body: () => T | Promise<T>): Promise<T> {
    this.calls.push(call);
    throwIfCancelled(signal, `fake ${call.method}`);
    checkCredentials(this.faults, this.environment);
    return await body();
  }

  #owned(id: string): FakeMachine | undefined {
    const machine = this.#cloud.machine(id);
    return machine !== undefined && isOwnedBy(machine.tags, this.environment) ? machine : undefined;
  }

  #live(id: string): FakeMachine | undefined {
    const machine = this.#owned(id);
    return machine?.status === 'terminated' ? undefined : machine;
  }
}
