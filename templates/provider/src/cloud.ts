// A tiny in-memory cloud standing in for your cloud's SDK: its machines are real SSH
// servers on loopback (envboot/testing's SshTestHost) that boot from their user-data as
// cloud-init would. Replace this file with a thin adapter over your SDK's client: the
// calls environ.ts makes are the whole list (and your IAM permission inventory).
import { randomUUID } from 'node:crypto';
import { decodeContent, parseUserData } from 'envboot/cloudinit';
import { MemoryStorage, type Storage } from 'envboot/storage';
import { SshTestHost } from 'envboot/testing';

export type MachineState = 'pending' | 'running' | 'failed' | 'terminated';

/** A machine as the cloud describes it. */
export interface CloudMachine {
  readonly id: string;
  readonly region: string;
  readonly zone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly state: MachineState;
  readonly message?: string;
  readonly address?: { readonly host: string; readonly port: number };
}

/** An error of the cloud's API, with the cloud's own code: environ.ts translates it into envboot's. */
export class CloudApiError extends Error {
  constructor(readonly code: 'NoSuchRegion' | 'NoSuchZone' | 'ZoneFull', message: string) {
    super(message);
  }
}

interface MachineRecord {
  machine: CloudMachine;
  /** The machine's SSH server once it booted; undefined when the boot failed or was cut short. */
  host: Promise<SshTestHost | undefined>;
}

export class MemoryCloud {
  readonly #regions: ReadonlyMap<string, readonly string[]> = new Map([['mem-1', ['mem-1a', 'mem-1b', 'mem-1c']]]);
  readonly #machines = new Map<string, MachineRecord>();
  readonly #buckets = new Map<string, Storage>();
  readonly #fullZones = new Set<string>();

  zones(params: { region: string }): Promise<readonly string[]> {
    const zones = this.#regions.get(params.region);
    if (zones === undefined) return Promise.reject(new CloudApiError('NoSuchRegion', `no region "${params.region}"; regions: ${[...this.#regions.keys()].join(', ')}`));
    return Promise.resolve(zones);
  }

  /** Accepts a machine and returns at once, `pending`; it boots in the background. */
  async runMachine(params: { region: string; zone: string; tags: Readonly<Record<string, string>>; userData: Uint8Array }): Promise<CloudMachine> {
    const zones = await this.zones(params);
    if (!zones.includes(params.zone)) throw new CloudApiError('NoSuchZone', `no zone "${params.zone}" in ${params.region}; zones: ${zones.join(', ')}`);
    if (this.#fullZones.has(params.zone)) throw new CloudApiError('ZoneFull', `zone ${params.zone} has no capacity`);
    const machine: CloudMachine = { id: `m-${randomUUID().slice(0, 8)}`, region: params.region, zone: params.zone, tags: { ...params.tags }, state: 'pending' };
    const record: MachineRecord = { machine, host: Promise.resolve(undefined) };
    this.#machines.set(machine.id, record);
    record.host = this.#boot(record, params.userData);
    return machine;
  }

  /** Machines of a region, optionally only these ids and only those carrying every given tag; terminated ones too. */
  describeMachines(params: { region: string; ids?: readonly string[]; tags?: Readonly<Record<string, string>> }): Promise<CloudMachine[]> {
    const wanted = Object.entries(params.tags ?? {});
    return Promise.resolve(
      [...this.#machines.values()]
        .map((record) => record.machine)
        .filter((m) => m.region === params.region && (params.ids?.includes(m.id) ?? true) && wanted.every(([key, value]) => m.tags[key] === value)),
    );
  }

  /** Terminates machines, unknown ids ignored; returns once their SSH servers are gone. */
  async terminateMachines(params: { ids: readonly string[] }): Promise<void> {
    for (const id of params.ids) {
      const record = this.#machines.get(id);
      if (record === undefined) continue;
      record.machine = { ...record.machine, state: 'terminated' };
      await (await record.host)?.stop();
    }
  }

  /** An object-storage bucket, created on first use; it outlives every client, as a cloud's does. */
  bucket(name: string): Storage {
    const bucket = this.#buckets.get(name) ?? new MemoryStorage();
    this.#buckets.set(name, bucket);
    return bucket;
  }

  /** Every machine not terminated, in every region: what a cloud console shows (the test's census). */
  liveMachineIds(): string[] {
    return [...this.#machines.values()].filter((r) => r.machine.state !== 'terminated').map((r) => r.machine.id);
  }

  /** Tests only: make a zone refuse new machines, as a zone out of capacity does. */
  setZoneFull(zone: string, full: boolean): void {
    if (full) this.#fullZones.add(zone);
    else this.#fullZones.delete(zone);
  }

  /** Terminates everything, so that the process can exit. */
  async close(): Promise<void> {
    await this.terminateMachines({ ids: [...this.#machines.keys()] });
  }

  /**
   * What cloud-init does with envboot's user-data at first boot: serve SSH with the host
   * key it gives, let in the keys it authorizes, and write the nonce file last. A cloud
   * whose machines run no cloud-init gets the same from envboot's `applyUserData`, over
   * whatever runs a command on the machine.
   */
  async #boot(record: MachineRecord, userData: Uint8Array): Promise<SshTestHost | undefined> {
    const update = (change: Partial<CloudMachine>): void => {
      if (record.machine.state !== 'terminated') record.machine = { ...record.machine, ...change };
    };
    let host: SshTestHost | undefined;
    try {
      const config = parseUserData(userData);
      const { ed25519_private: privateKey, ed25519_public: publicKey } = config.ssh_keys ?? {};
      if (privateKey === undefined || publicKey === undefined) throw new Error('the user-data has no ed25519 host key');
      host = await SshTestHost.start({ authorizedKeys: config.ssh_authorized_keys ?? [], hostKey: { privateKey, publicKey } });
      const nonce = config.write_files?.find((file) => file.path === '/var/lib/envboot/nonce');
      if (nonce !== undefined) await host.writeNonce(Buffer.from(decodeContent(nonce)).toString('utf8').trim());
    } catch (error) {
      await host?.stop();
      update({ state: 'failed', message: `its boot failed: ${(error as Error).message}` });
      return undefined;
    }
    if (record.machine.state === 'terminated') {
      await host.stop();
      return undefined;
    }
    update({ state: 'running', address: { host: host.hostname, port: host.port } });
    return host;
  }
}

/** The cloud: one per process, shared by every Environ as a real cloud is shared by every client. */
export const cloud = new MemoryCloud();
