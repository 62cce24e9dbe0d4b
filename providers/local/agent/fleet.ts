import { mkdir, writeFile } from 'node:fs/promises';
import type { Instance } from '../../../src/index.js';
import { hostHardware } from '../../../src/host/index.js';
import { machineDir, machineUserDataFile, type LocalLayout } from '../layout.js';
import type { StartMachineRequest, StartMachineResponse, StopMachinesResponse } from '../protocol.js';
import { Machine, type MachineContext } from './machine.js';
import { loadRecords, newInstanceId, saveRecord, type MachineRecord } from './machine-record.js';

/** An error with a stable code for the client (`CONFIG_INVALID`, …): the agent answers it as JSON. */
export class AgentRequestError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Every machine of the environment, as the agent holds them. */
export class Fleet {
  readonly #machines = new Map<string, Machine>();
  readonly #context: MachineContext;

  constructor(params: { layout: LocalLayout; log: (message: string) => void }) {
    this.#context = {
      layout: params.layout,
      log: params.log,
      privileged: process.getuid?.() === 0,
      hardware: hostHardware(params.layout.dataDir),
      takenAddresses: (except) =>
        new Set([...this.#machines.values()].filter((m) => m.record.id !== except).flatMap((m) => m.record.addresses.map((a) => a.value))),
    };
  }

  get size(): number {
    return this.#machines.size;
  }

  /**
   * Loads the machines of the records on disk (after an agent restart), so that they are
   * listed from the first request on; `bootRestored` then brings them back.
   */
  async restore(): Promise<void> {
    const records = await loadRecords(this.#context.layout, (id, error) => {
      this.#context.log(`machine ${id}: its record cannot be read (${error.message}); leaving it alone`);
    });
    for (const record of records) this.#add(record);
  }

  /** Boots every restored machine in the background: adopts its running sandbox, or starts it again. */
  bootRestored(): void {
    for (const machine of this.#machines.values()) void machine.boot();
  }

  async start(request: StartMachineRequest): Promise<StartMachineResponse> {
    if (request.zone !== undefined && !request.zones.includes(request.zone)) {
      throw new AgentRequestError('CONFIG_INVALID', 400, `zone "${request.zone}" is not one of this environment's zones (${request.zones.join(', ')})`);
    }
    const id = await newInstanceId(this.#context.layout);
    // From here to #add, no await: concurrent starts each see the others when choosing a zone.
    const zone = request.zone ?? this.#leastPopulated(request.zones);
    if (zone === undefined) throw new AgentRequestError('CONFIG_INVALID', 400, 'the environment has no zones');
    const record: MachineRecord = {
      version: 1,
      id,
      environmentUuid: request.environmentUuid,
      tags: request.tags,
      zone,
      createdAt: new Date().toISOString(),
      status: 'pending',
      addresses: [],
      authorizedKeys: [],
      userData: request.userData,
      firstBootDone: false,
      bootDelayMs: request.bootDelayMs,
      hide: request.hide ?? [],
    };
    const machine = this.#add(record);
    try {
      await mkdir(machineDir(this.#context.layout, id), { recursive: true, mode: 0o700 });
      // Kept as long as the machine, unlike the record's copy: what proves it to a later
      // `adopt` or `bootstrap --resume` (the user-data ability). 0600: it holds the host key.
      await writeFile(machineUserDataFile(this.#context.layout, id), Buffer.from(request.userData, 'base64'), { mode: 0o600 });
      await saveRecord(this.#context.layout, record);
    } catch (error) {
      this.#machines.delete(id);
      throw error;
    }
    void machine.boot();
    this.#context.log(`machine ${id}: starting in ${zone}`);
    return { instance: machine.instance(), hardware: this.#context.hardware };
  }

  list(): Instance[] {
    return [...this.#machines.values()].map((machine) => {
      machine.checkAlive();
      return machine.instance();
    });
  }

  /** Stops the given machines of the environment; unknown ids are success. */
  async stop(ids: readonly string[], environmentUuid: string): Promise<StopMachinesResponse> {
    const machines = ids
      .map((id) => this.#machines.get(id))
      .filter((m): m is Machine => m !== undefined && m.record.environmentUuid === environmentUuid);
    const results = await Promise.allSettled(machines.map((machine) => this.#stop(machine)));
    const stopped: string[] = [];
    const failures: { id: string; message: string }[] = [];
    results.forEach((result, index) => {
      const id = machines[index]?.record.id ?? '';
      if (result.status === 'fulfilled') stopped.push(id);
      else failures.push({ id, message: (result.reason as Error).message });
    });
    return { stopped, failures };
  }

  /** Stops every machine of the environment. */
  stopAll(environmentUuid: string): Promise<StopMachinesResponse> {
    return this.stop([...this.#machines.keys()], environmentUuid);
  }

  /** Stops every machine whatever its environment: for when the data directory itself is gone. */
  async stopEverything(): Promise<void> {
    await Promise.allSettled([...this.#machines.values()].map((machine) => this.#stop(machine)));
  }

  async #stop(machine: Machine): Promise<void> {
    this.#context.log(`machine ${machine.record.id}: stopping`);
    await machine.stop();
    this.#machines.delete(machine.record.id);
    this.#context.log(`machine ${machine.record.id}: stopped and removed`);
  }

  /** Adds the machine; booting it is the caller's next step. */
  #add(record: MachineRecord): Machine {
    const machine = new Machine(record, this.#context);
    this.#machines.set(record.id, machine);
    return machine;
  }

  #leastPopulated(zones: readonly string[]): string | undefined {
    const counts = new Map(zones.map((zone) => [zone, 0]));
    for (const machine of this.#machines.values()) {
      const count = counts.get(machine.record.zone);
      if (count !== undefined) counts.set(machine.record.zone, count + 1);
    }
    let best: string | undefined;
    for (const zone of zones) if (best === undefined || (counts.get(zone) ?? 0) < (counts.get(best) ?? 0)) best = zone;
    return best;
  }
}
