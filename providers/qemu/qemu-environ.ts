import type { CloudConfig } from '../../cloudinit/index.js';
import { FilesystemStorage, type Storage } from '../../storage/index.js';
import {
  CancelledError,
  EnvbootError,
  ErrorCode,
  TagKey,
  ZoneIndependentError,
  environmentTags,
  isOwnedBy,
  messageOf,
  throwIfCancelled,
  type AllInstancesParams,
  type AvailabilityZone,
  type ConsoleEnviron,
  type ConsoleOutput,
  type EnvironmentIdentity,
  type HardwareLimits,
  type HardwareLimitsEnviron,
  type HardwareLimitsParams,
  type Instance,
  type InstancesParams,
  type Logger,
  type PlanningEnviron,
  type PlanStartParams,
  type PreflightParams,
  type PreflightResult,
  type Problem,
  type ProviderPlan,
  type StartInstanceParams,
  type StartInstanceResult,
  type StopInstancesParams,
  type TeardownParams,
  type TeardownResult,
  type UserDataEnviron,
  type ZonedEnviron,
} from '../../src/index.js';
import type { KvmVerdicts } from './accelerator.js';
import { qemuCapabilities } from './capabilities.js';
import type { QemuConfig } from './config.js';
import { checkHost, healthReport, type HostReadiness } from './host-readiness.js';
import { layoutFor, machineFiles, type QemuLayout } from './layout.js';
import { readRecord, readRecords } from './machine-record.js';
import { machineSize, qemuLimits } from './machine-size.js';
import { readConsoleEnd, viewMachine } from './machine-view.js';
import { planQemuStart } from './plan-start.js';
import { removeMachines } from './remove-machine.js';
import { cloudConfigProblems, leastPopulatedZone, refuseStart } from './start-checks.js';
import { startMachine } from './start-machine.js';
import { tearDownQemu } from './teardown.js';
import { unlessCancelled, untilAborted } from './until-aborted.js';
import { readQemuUserData } from './user-data.js';

export interface QemuEnvironParams {
  readonly environment: EnvironmentIdentity;
  readonly config: QemuConfig;
  readonly dataDir: string;
  readonly logger?: Logger | undefined;
  /** The KVM verdicts to share (a test seam); default the process's own. */
  readonly kvmVerdicts?: KvmVerdicts | undefined;
}

/**
 * One environment of the `qemu` provider: each machine is a QEMU VM on this host, booted
 * from the configured cloud image on its own overlay with a NoCloud seed, reached over an
 * SSH forward on 127.0.0.1. Machines are daemonized QEMU processes with records in the data
 * directory, so a later process (a new Environ on the same config and data directory)
 * lists, reaches and stops them. Cheap to construct: nothing is probed or created before
 * `preflight` or `startInstance`.
 */
export class QemuEnviron implements ZonedEnviron, ConsoleEnviron, UserDataEnviron, HardwareLimitsEnviron, PlanningEnviron {
  readonly provider = 'qemu';
  readonly capabilities = qemuCapabilities;
  readonly environment: EnvironmentIdentity;
  readonly sshUser: string;
  readonly #config: QemuConfig;
  readonly #layout: QemuLayout;
  readonly #storage: FilesystemStorage;
  readonly #logger: Logger | undefined;
  readonly #verdicts: KvmVerdicts | undefined;
  #ready: Promise<HostReadiness> | undefined;

  constructor(params: QemuEnvironParams) {
    this.environment = params.environment;
    this.sshUser = params.config.defaultUser;
    this.#config = params.config;
    this.#layout = layoutFor(params.dataDir);
    this.#storage = new FilesystemStorage({ root: this.#layout.storage });
    this.#logger = params.logger;
    this.#verdicts = params.kvmVerdicts;
  }

  storage(): Storage {
    return this.#storage;
  }

  checkCloudConfig(config: CloudConfig): readonly Problem[] {
    return cloudConfigProblems(config);
  }

  async preflight(params: PreflightParams): Promise<PreflightResult> {
    throwIfCancelled(params.signal, 'qemu provider preflight');
    // Checked afresh (the image may have been fixed or removed since); KVM stays probed once per process.
    this.#ready = undefined;
    return healthReport(await this.#host(params.signal), this.#config);
  }

  async startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    throwIfCancelled(params.signal, `starting machine ${params.machineId}`);
    refuseStart({ params, zones: this.#config.zones, environment: this.environment, limits: qemuLimits(this.#layout.dataDir) });
    let host: HostReadiness;
    try {
      host = await this.#host(params.signal);
    } catch (error) {
      // A missing program, a bad image or an impossible accelerator is the same in every zone.
      throw error instanceof CancelledError ? error : new ZoneIndependentError(error);
    }
    const zone = params.zone ?? leastPopulatedZone(this.#config.zones, await this.allInstances({}));
    try {
      const instance = await startMachine({
        layout: this.#layout,
        environment: this.environment,
        tools: host.tools,
        accel: host.accel,
        boot: this.#config.boot,
        base: host.base,
        size: machineSize(this.#config, params.constraints, host.base.virtualSizeMiB),
        machineId: params.machineId,
        zone,
        tags: { ...params.tags, ...environmentTags(this.environment), [TagKey.MachineId]: params.machineId },
        userData: params.userData,
        logger: this.#logger,
        signal: params.signal,
      });
      return { instance, ...(instance.hardware === undefined ? {} : { hardware: instance.hardware }) };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // Zones are labels on one host: what failed here would fail in every one.
      throw new ZoneIndependentError(error instanceof EnvbootError ? error : new EnvbootError(ErrorCode.InstanceFailed, `starting a qemu machine: ${messageOf(error)}`, { cause: error }));
    }
  }

  /** What a start would make and run, from the host check alone: no VM starts, no file is written (see `planQemuStart`). */
  async planStart(params: PlanStartParams): Promise<ProviderPlan> {
    throwIfCancelled(params.signal, `planning machine ${params.machineId}`);
    return planQemuStart({ start: params, host: await this.#host(params.signal), config: this.#config, layout: this.#layout });
  }

  stopInstances(params: StopInstancesParams): Promise<void> {
    return removeMachines({ layout: this.#layout, ids: params.ids, environmentUuid: this.environment.uuid, signal: params.signal });
  }

  async instances(params: InstancesParams): Promise<readonly (Instance | undefined)[]> {
    throwIfCancelled(params.signal, 'listing qemu machines');
    return Promise.all(
      params.ids.map(async (id) => {
        const record = await readRecord(this.#layout, id);
        return record === undefined || !isOwnedBy(record.tags, this.environment) ? undefined : viewMachine(this.#layout, record);
      }),
    );
  }

  async allInstances(params: AllInstancesParams): Promise<readonly Instance[]> {
    throwIfCancelled(params.signal, 'listing qemu machines');
    const owned = (await readRecords(this.#layout)).filter((record) => isOwnedBy(record.tags, this.environment));
    const views = await Promise.all(owned.map((record) => viewMachine(this.#layout, record)));
    return views.filter((instance) => instance.status !== 'terminated');
  }

  teardown(params: TeardownParams): Promise<TeardownResult> {
    return tearDownQemu({ layout: this.#layout, environment: this.environment, signal: params.signal });
  }

  availabilityZones(params: { readonly signal?: AbortSignal }): Promise<readonly AvailabilityZone[]> {
    return unlessCancelled(params.signal, 'listing qemu zones', () => this.#config.zones.map((name) => ({ name, available: true })));
  }

  async instanceZones(params: { readonly ids: readonly string[]; readonly signal?: AbortSignal }): Promise<readonly (string | undefined)[]> {
    return (await this.instances(params)).map((instance) => instance?.zone);
  }

  deriveZones(params: { readonly start: Omit<StartInstanceParams, 'signal' | 'userData'>; readonly signal?: AbortSignal }): Promise<readonly string[]> {
    return unlessCancelled(params.signal, 'deriving qemu zones', () => (params.start.zone === undefined ? [] : [params.start.zone]));
  }

  /** What a VM here can have (see `qemuLimits`): more is refused before anything is probed or made. */
  hardwareLimits(params: HardwareLimitsParams): Promise<HardwareLimits> {
    return unlessCancelled(params.signal, 'reading the qemu hardware limits', () => qemuLimits(this.#layout.dataDir));
  }

  /**
   * The end of a machine's serial console log (its boot diagnostics, kept until the machine
   * is stopped) as the guest wrote it, with the log's path as its location; undefined when
   * the machine is not this environment's, or QEMU has not started it yet.
   */
  async consoleOutput(params: { readonly id: string; readonly lines?: number; readonly signal?: AbortSignal }): Promise<ConsoleOutput | undefined> {
    throwIfCancelled(params.signal, `reading the console of ${params.id}`);
    const record = await readRecord(this.#layout, params.id);
    if (record === undefined || !isOwnedBy(record.tags, this.environment)) return undefined;
    const file = machineFiles(this.#layout, params.id).console;
    const text = await readConsoleEnd({ file, lines: params.lines ?? 50, signal: params.signal });
    return text === undefined ? undefined : { text, location: file };
  }

  /** The user-data the machine was started with, kept beside its seed (see `readQemuUserData`). */
  instanceUserData(params: { readonly id: string; readonly signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    return readQemuUserData({ ...params, layout: this.#layout, environment: this.environment });
  }

  /** The host check, done once per Environ (and again after a failure, which may have been fixed). */
  #host(signal: AbortSignal | undefined): Promise<HostReadiness> {
    if (this.#ready === undefined) {
      const ready = checkHost({ config: this.#config, verdicts: this.#verdicts });
      this.#ready = ready;
      ready.catch(() => { if (this.#ready === ready) this.#ready = undefined; });
    }
    return untilAborted(this.#ready, signal, 'checking the qemu host');
  }
}
