import path from 'node:path';
import { parseUserData, type CloudConfig } from '../../cloudinit/index.js';
import { FilesystemStorage, type Storage } from '../../storage/index.js';
import {
  type Problem,
  CancelledError,
  ConfigError,
  EnvbootError,
  TagKey,
  ZoneIndependentError,
  environmentTags,
  isOwnedBy,
  refuseUnmetConstraints,
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
} from '../../src/index.js';
import { connectAgent, type ConnectedAgent } from './agent-launcher.js';
import { localCapabilities } from './capabilities.js';
import { checkLocalCloudConfig } from './cloud-config-limits.js';
import { localLimits } from './local-limits.js';
import { readLocalConsole } from './console-output.js';
import type { LocalConfig } from './config.js';
import { layoutFor, type LocalLayout } from './layout.js';
import { machineIds } from './machine-ids.js';
import { planLocalStart } from './plan-start.js';
import { checkSandboxSupport } from './preflight.js';
import { tearDownLocal } from './teardown.js';
import { readLocalUserData } from './user-data.js';

export interface LocalEnvironParams {
  readonly environment: EnvironmentIdentity;
  readonly config: LocalConfig;
  readonly dataDir: string;
  /** The client's directories, hidden from every machine (see `OpenEnvironParams.hostPrivatePaths`). */
  readonly hostPrivatePaths?: readonly string[] | undefined;
  readonly logger?: Logger;
}

/**
 * One environment of the `local` provider: machines are sandboxes on this host, served
 * by the environment's agent (see `agent/main.ts`). Cheap to construct; nothing is
 * created before `prepare` or `startInstance`, and listing an environment without
 * machines never starts an agent.
 */
export class LocalEnviron implements ZonedEnviron, ConsoleEnviron, UserDataEnviron, HardwareLimitsEnviron, PlanningEnviron {
  readonly provider = 'local';
  readonly sshUser = 'root';
  readonly capabilities = localCapabilities;
  readonly environment: EnvironmentIdentity;
  readonly #config: LocalConfig;
  readonly #layout: LocalLayout;
  readonly #storage: FilesystemStorage;
  readonly #logger: Logger | undefined;
  readonly #hide: readonly string[];

  constructor(params: LocalEnvironParams) {
    this.#hide = (params.hostPrivatePaths ?? []).map((dir) => path.resolve(dir));
    this.environment = params.environment;
    this.#config = params.config;
    this.#layout = layoutFor(params.dataDir);
    this.#storage = new FilesystemStorage({ root: this.#layout.storage });
    this.#logger = params.logger;
  }

  storage(): Storage {
    return this.#storage;
  }

  checkCloudConfig(config: CloudConfig): readonly Problem[] {
    return checkLocalCloudConfig(config);
  }

  async preflight(params: PreflightParams): Promise<PreflightResult> {
    throwIfCancelled(params.signal, 'local provider preflight');
    return checkSandboxSupport(params.signal);
  }

  async prepare(params: PrepareParams): Promise<PrepareResult> {
    const agent = await this.#agent(params.signal);
    return { resources: { agent: `pid ${agent.pid}`, socket: agent.client.socketPath }, created: agent.started };
  }

  async startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    throwIfCancelled(params.signal, 'starting a local machine');
    this.#checkStart(params);
    try {
      const agent = await this.#agent(params.signal);
      const started = await agent.client.start(
        {
          environmentUuid: this.environment.uuid,
          machineId: params.machineId,
          ...(params.zone === undefined ? {} : { zone: params.zone }),
          zones: this.#config.zones,
          tags: { ...params.tags, ...environmentTags(this.environment) },
          userData: Buffer.from(params.userData).toString('base64'),
          bootDelayMs: this.#config.bootDelayMs,
          hide: this.#hide,
        },
        params.signal,
      );
      this.#logger?.debug(`local machine ${started.instance.id} accepted in ${String(started.instance.zone)}`);
      return started;
    } catch (error) {
      // Whatever failed in the agent would fail the same in every simulated zone.
      throw error instanceof EnvbootError ? error : new ZoneIndependentError(error);
    }
  }

  /** What a start would do, found without starting the agent or writing anything (see `planLocalStart`). */
  planStart(params: PlanStartParams): Promise<ProviderPlan> {
    return planLocalStart({ start: params, layout: this.#layout, config: this.#config, environment: this.environment });
  }

  async stopInstances(params: StopInstancesParams): Promise<void> {
    throwIfCancelled(params.signal, 'stopping local machines');
    if (params.ids.length === 0 || (await machineIds(this.#layout)).length === 0) return;
    const agent = await this.#agent(params.signal);
    const result = await agent.client.stop({ environmentUuid: this.environment.uuid, ids: params.ids }, params.signal);
    if (result.failures.length > 0) {
      throw new Error(`stopping local machines failed: ${result.failures.map((f) => `${f.id}: ${f.message}`).join('; ')}; run the stop again`);
    }
  }

  async instances(params: InstancesParams): Promise<readonly (Instance | undefined)[]> {
    const all = await this.#ownInstances(params.signal);
    const byId = new Map(all.map((instance) => [instance.id, instance]));
    return params.ids.map((id) => byId.get(id));
  }

  async allInstances(params: AllInstancesParams): Promise<readonly Instance[]> {
    return this.#ownInstances(params.signal);
  }

  async teardown(params: TeardownParams): Promise<TeardownResult> {
    return tearDownLocal({ layout: this.#layout, environment: this.environment, ...(params.signal === undefined ? {} : { signal: params.signal }) });
  }

  availabilityZones(params: { readonly signal?: AbortSignal }): Promise<readonly AvailabilityZone[]> {
    return unlessCancelled(params.signal, 'listing local zones', () => this.#config.zones.map((name) => ({ name, available: true })));
  }

  async instanceZones(params: { readonly ids: readonly string[]; readonly signal?: AbortSignal }): Promise<readonly (string | undefined)[]> {
    return (await this.instances(params)).map((instance) => instance?.zone);
  }

  deriveZones(params: { readonly start: Omit<StartInstanceParams, 'signal' | 'userData'>; readonly signal?: AbortSignal }): Promise<readonly string[]> {
    return unlessCancelled(params.signal, 'deriving local zones', () => (params.start.zone === undefined ? [] : [params.start.zone]));
  }

  /** This host's hardware, which every local machine shares: what is more is refused before anything is made. */
  hardwareLimits(params: HardwareLimitsParams): Promise<HardwareLimits> {
    return unlessCancelled(params.signal, 'reading the local hardware limits', () => localLimits(this.#layout.dataDir));
  }

  /** The agent's lines about the machine and its first boot's output, read from this host's files (see `readLocalConsole`). */
  consoleOutput(params: { readonly id: string; readonly lines?: number; readonly signal?: AbortSignal }): Promise<ConsoleOutput | undefined> {
    return readLocalConsole({ ...params, layout: this.#layout, environment: this.environment });
  }

  /** The user-data the machine was started with, from this host's files (see `readLocalUserData`). */
  instanceUserData(params: { readonly id: string; readonly signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    return readLocalUserData({ ...params, layout: this.#layout, environment: this.environment });
  }

  /** Everything refusable is refused here, before the agent (or anything) exists. */
  #checkStart(params: StartInstanceParams): void {
    if (params.placement !== undefined) {
      throw new ZoneIndependentError(new ConfigError(`the local provider takes no placement ("${params.placement}"): it makes its machines itself`));
    }
    const what = `user-data for machine ${params.machineId}`;
    if (params.userData.byteLength > localCapabilities.maxUserDataBytes) {
      throw new ConfigError(`${what} is ${params.userData.byteLength} bytes, over the local provider's limit of ${localCapabilities.maxUserDataBytes}; gzip it or move files out of it`);
    }
    let config: CloudConfig;
    try {
      config = parseUserData(params.userData);
    } catch (error) {
      const problems = (error as { problems?: readonly { path: string; message: string }[] }).problems ?? [];
      throw new ConfigError(`${what} cannot be read: ${(error as Error).message.split('\n')[0] ?? ''}`, { problems, cause: error });
    }
    const problems = checkLocalCloudConfig(config);
    if (problems.length > 0) throw new ConfigError(`${what} asks for what the local provider cannot do`, { problems });
    if (params.zone !== undefined && !this.#config.zones.includes(params.zone)) {
      throw new ConfigError(`zone "${params.zone}" is not one of this environment's zones (${this.#config.zones.join(', ')}); pick one of them or change "zones" in the config`);
    }
    const owner = params.tags[TagKey.EnvironmentUuid];
    if (owner !== undefined && owner !== this.environment.uuid) {
      throw new ConfigError(`the ${TagKey.EnvironmentUuid} tag is ${owner}, not this environment's ${this.environment.uuid}`);
    }
    // Common code has refused these before anything was made; a direct caller gets the same error.
    refuseUnmetConstraints({ provider: this.provider, constraints: params.constraints, limits: localLimits(this.#layout.dataDir) });
  }

  async #ownInstances(signal: AbortSignal | undefined): Promise<Instance[]> {
    throwIfCancelled(signal, 'listing local machines');
    if ((await machineIds(this.#layout)).length === 0) return [];
    const agent = await this.#agent(signal);
    const { instances } = await agent.client.list(signal);
    return instances.filter((instance) => isOwnedBy(instance.tags, this.environment));
  }

  /** The environment's agent, started when none runs. */
  async #agent(signal: AbortSignal | undefined): Promise<ConnectedAgent> {
    const agent = await connectAgent({ layout: this.#layout, start: true, ...(signal === undefined ? {} : { signal }) });
    if (agent === undefined) throw new Error('no local agent is running');
    if (agent.started) this.#logger?.debug(`started the local agent for ${this.environment.name} (pid ${agent.pid})`);
    return agent;
  }
}

/** `value()` as a promise, or a `CANCELLED` rejection when `signal` is aborted (never a synchronous throw). */
function unlessCancelled<T>(signal: AbortSignal | undefined, what: string, value: () => T): Promise<T> {
  if (signal?.aborted === true) return Promise.reject(new CancelledError(`${what} cancelled`, { cause: signal.reason }));
  return Promise.resolve(value());
}
