import path from 'node:path';
import { parseUserData, type CloudConfig } from '../../cloudinit/index.js';
import { FilesystemStorage, type Storage } from '../../storage/index.js';
import {
  ConfigError,
  ZoneIndependentError,
  configureMachine,
  connectSsh,
  isHostKeyMismatch,
  parseHostSpec,
  refuseUnmetConstraints,
  throwIfCancelled,
  type AllInstancesParams,
  type EnvironmentIdentity,
  type HardwareLimits,
  type HardwareLimitsEnviron,
  type HardwareLimitsParams,
  type Instance,
  type InstancesParams,
  type PlanningEnviron,
  type PlanStartParams,
  type PreflightParams,
  type PreflightResult,
  type ProviderPlan,
  type SshConnection,
  type StartInstanceParams,
  type StartInstanceResult,
  type StopInstancesParams,
} from '../../src/index.js';
import { manualCapabilities } from './capabilities.js';
import type { ManualConfig } from './config.js';
import { enrol, forget, listEnrolments, type Enrolment } from './enrolments.js';
import { hostKeysFor, instanceIdOf, readIdentity, type HostAddress } from './host-access.js';
import { hostLimits } from './host-limits.js';
import { planManualStart } from './plan-start.js';
import { markerFile, probeHost, refuseOtherOwner } from './probe-host.js';
import { releaseHost } from './release-host.js';

/**
 * One environment of the `manual` provider: existing hosts, enrolled over SSH one by one
 * (`placement` names the host: `user@host[:port]`). Nothing is created on a cloud and
 * nothing is shut down: "starting" a machine enrols a host, "stopping" it releases it.
 * The marker file `/var/lib/envboot/environment` holding the environment's UUID is the
 * ownership rule on the host; the enrolled hosts are listed in the environment's storage.
 */
export class ManualEnviron implements HardwareLimitsEnviron, PlanningEnviron {
  readonly provider = 'manual';
  readonly sshUser = 'root';
  readonly capabilities = manualCapabilities;
  readonly environment: EnvironmentIdentity;
  readonly #config: ManualConfig;
  readonly #storage: FilesystemStorage;
  readonly #storageDir: string;
  /** Host keys found per host in this run, so that the probe before the claim and the enrolment pin the same key. */
  readonly #pinned = new Map<string, Promise<{ keys: string[]; source: string }>>();

  constructor(params: { environment: EnvironmentIdentity; config: ManualConfig; dataDir: string }) {
    this.environment = params.environment;
    this.#config = params.config;
    this.#storageDir = path.join(params.dataDir, 'storage');
    this.#storage = new FilesystemStorage({ root: this.#storageDir });
  }

  storage(): Storage {
    return this.#storage;
  }

  async preflight(params: PreflightParams): Promise<PreflightResult> {
    throwIfCancelled(params.signal, 'manual provider preflight');
    await readIdentity(this.#config);
    const hosts = await listEnrolments(this.#storage, params.signal);
    return {
      warnings: [],
      checks: [
        { name: 'identity', status: 'ok', detail: this.#config.identityFile ?? 'the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa' },
        { name: 'hosts', status: 'ok', detail: hosts.length === 0 ? 'none enrolled' : hosts.map((h) => `${h.user}@${h.host}:${h.port}`).join(', ') },
      ],
    };
  }

  /**
   * The hardware of the host `placement` names, as it reports it: one SSH
   * login that reads and changes nothing, so that constraints the host cannot meet are
   * refused before it is touched. A figure it does not report is not checked, and the
   * planner says so.
   */
  async hardwareLimits(params: HardwareLimitsParams): Promise<HardwareLimits> {
    throwIfCancelled(params.signal, "reading a manual host's hardware");
    const address = hostAddressOf(params.placement);
    const { connection } = await this.#connect(address, params.signal);
    try {
      return hostLimits(address, (await probeHost(connection, params.signal)).hardware);
    } finally {
      connection.close();
    }
  }

  async startInstance(params: StartInstanceParams): Promise<StartInstanceResult> {
    throwIfCancelled(params.signal, `enrolling machine ${params.machineId}`);
    const address = hostAddressOf(params.placement);
    const signal = params.signal === undefined ? {} : { signal: params.signal };
    const { connection, pinned } = await this.#connect(address, params.signal);
    try {
      const facts = await probeHost(connection, params.signal);
      refuseOtherOwner({ host: address.host, facts, uuid: this.environment.uuid });
      // Common code refused these before anything was made; a direct caller gets the same error, the host untouched.
      refuseUnmetConstraints({ provider: this.provider, constraints: params.constraints, limits: hostLimits(address, facts.hardware) });
      const config = enrolConfig(params.userData, this.environment.uuid);
      const enrolment: Enrolment = {
        instanceId: instanceIdOf(address),
        ...address,
        hostKeys: pinned.keys,
        ...(config.ssh_authorized_keys?.[0] === undefined ? {} : { authorizedKey: config.ssh_authorized_keys[0] }),
        hardware: facts.hardware,
        tags: { ...params.tags },
        ...(this.#config.identityFile === undefined ? {} : { identityFile: this.#config.identityFile }),
        enrolledAt: new Date().toISOString(),
      };
      // Listed before the host is touched, so that destroy finds it whatever happens next.
      await enrol(this.#storage, enrolment, params.signal);
      await configureMachine({ connection, config, ...signal });
      return { instance: toInstance(enrolment), hardware: facts.hardware, hostKeys: pinned.keys };
    } finally {
      connection.close();
    }
  }

  /**
   * What enrolling the host `placement` names would do, from the probe the enrolment
   * starts with (one login that reads and changes nothing); a host another environment
   * owns is refused as the enrolment would refuse it (see `planManualStart`).
   */
  async planStart(params: PlanStartParams): Promise<ProviderPlan> {
    throwIfCancelled(params.signal, `planning machine ${params.machineId}`);
    const address = hostAddressOf(params.placement);
    const { connection, pinned } = await this.#connect(address, params.signal);
    try {
      const facts = await probeHost(connection, params.signal);
      refuseOtherOwner({ host: address.host, facts, uuid: this.environment.uuid });
      return planManualStart({ start: params, address, facts, pinnedFrom: pinned.source, uuid: this.environment.uuid, storageDir: this.#storageDir });
    } finally {
      connection.close();
    }
  }

  async stopInstances(params: StopInstancesParams): Promise<void> {
    const enrolled = await listEnrolments(this.#storage, params.signal);
    const leaving = enrolled.filter((enrolment) => params.ids.includes(enrolment.instanceId));
    if (leaving.length === 0) return;
    for (const enrolment of leaving) {
      const file = this.#config.identityFile ?? enrolment.identityFile;
      const identity = await readIdentity(file === undefined ? {} : { identityFile: file });
      await releaseHost({ enrolment, identity, environmentUuid: this.environment.uuid, teardownCommands: this.#config.teardownCommands, signal: params.signal });
      await forget(this.#storage, [enrolment.instanceId], params.signal);
    }
  }

  async instances(params: InstancesParams): Promise<readonly (Instance | undefined)[]> {
    const enrolled = await listEnrolments(this.#storage, params.signal);
    return params.ids.map((id) => {
      const found = enrolled.find((enrolment) => enrolment.instanceId === id);
      return found === undefined ? undefined : toInstance(found);
    });
  }

  async allInstances(params: AllInstancesParams): Promise<readonly Instance[]> {
    return (await listEnrolments(this.#storage, params.signal)).map(toInstance);
  }

  /** Logs in to a host with its pinned key (a host presenting another is refused). */
  async #connect(address: HostAddress, signal: AbortSignal | undefined): Promise<{ connection: SshConnection; pinned: { keys: string[]; source: string } }> {
    const identity = await readIdentity(this.#config);
    const pinned = await this.#hostKeys(address, signal);
    const connection = await connectSsh({ ...address, privateKey: identity, hostKeys: pinned.keys, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => {
      if (!isHostKeyMismatch(error)) throw error;
      throw new ZoneIndependentError(new ConfigError(`${address.host}:${address.port} presented a host key other than the one pinned by ${pinned.source}: refused; if the host was reinstalled, check its new fingerprint and update ${pinned.source}`, { cause: error }));
    });
    return { connection, pinned };
  }

  #hostKeys(address: HostAddress, signal: AbortSignal | undefined): Promise<{ keys: string[]; source: string }> {
    const key = `[${address.host}]:${address.port}`;
    let found = this.#pinned.get(key);
    if (found === undefined) {
      found = hostKeysFor({ address, config: this.#config, signal });
      this.#pinned.set(key, found);
      // A failed lookup is not remembered: the next call asks again.
      found.catch(() => {
        this.#pinned.delete(key);
      });
    }
    return found;
  }
}

/** The host a placement names; none is `CONFIG_INVALID`, as every manual machine is an existing host. */
function hostAddressOf(placement: string | undefined): HostAddress {
  if (placement === undefined) {
    throw new ZoneIndependentError(new ConfigError('the manual provider enrols existing hosts: name one with --host user@host[:port]'));
  }
  return parseHostSpec(placement);
}

/**
 * The user-data as a script can apply it to a host that already runs: the client key and
 * the nonce (written last), but not the generated host keys (the host keeps its own, which
 * are what is pinned), plus the marker that makes the host this environment's.
 */
function enrolConfig(userData: Uint8Array, uuid: string): CloudConfig {
  const rest: CloudConfig = { ...parseUserData(userData) };
  delete (rest as { ssh_keys?: unknown }).ssh_keys;
  return { ...rest, write_files: [{ path: markerFile, content: `${uuid}\n`, permissions: '0644' }, ...(rest.write_files ?? [])] };
}

function toInstance(enrolment: Enrolment): Instance {
  return {
    id: enrolment.instanceId,
    status: 'running',
    addresses: [{ value: enrolment.host, port: enrolment.port, scope: 'public' }],
    tags: { ...enrolment.tags },
    sshUser: enrolment.user,
    ...(enrolment.hardware === undefined ? {} : { hardware: enrolment.hardware }),
  };
}
