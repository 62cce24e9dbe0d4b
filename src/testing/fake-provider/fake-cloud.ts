import type { IngressPair } from '../../firewall/index.js';
import { FakeMachine, type FakeMachineParams } from './fake-machine.js';

/**
 * The account behind one fake provider, shared by every environment opened on it, as a
 * real cloud account is: machines of all environments side by side (so that listing by
 * ownership tag means something), and one security group per environment. Ids are never
 * reused.
 */
export class FakeCloud {
  readonly #machines = new Map<string, FakeMachine>();
  readonly #securityGroups = new Map<string, FakeSecurityGroup>();
  #lastMachine = 0;
  #lastGroup = 0;

  /** Creates a machine with the next id, `fake-<n>`. It boots when told to. */
  createMachine(params: Omit<FakeMachineParams, 'id'>): FakeMachine {
    this.#lastMachine += 1;
    const machine = new FakeMachine({ ...params, id: `fake-${this.#lastMachine}` });
    this.#machines.set(machine.id, machine);
    return machine;
  }

  machine(id: string): FakeMachine | undefined {
    return this.#machines.get(id);
  }

  /** Every machine ever created, terminated ones included, oldest first. */
  machines(): FakeMachine[] {
    return [...this.#machines.values()];
  }

  /** The security group of environment `uuid`, created on first request. */
  securityGroup(uuid: string): { id: string; created: boolean } {
    const existing = this.#securityGroups.get(uuid);
    if (existing !== undefined) return { id: existing.id, created: false };
    this.#lastGroup += 1;
    const id = `sg-fake-${this.#lastGroup}`;
    this.#securityGroups.set(uuid, { id, ingress: new Map() });
    return { id, created: true };
  }

  /** The ingress of environment `uuid`'s group, by pair key; undefined when it has no group. */
  ingress(uuid: string): Map<string, IngressPair> | undefined {
    return this.#securityGroups.get(uuid)?.ingress;
  }

  /** Deletes the security group of environment `uuid`; returns its id, or undefined if none. */
  deleteSecurityGroup(uuid: string): string | undefined {
    const id = this.#securityGroups.get(uuid)?.id;
    this.#securityGroups.delete(uuid);
    return id;
  }
}

interface FakeSecurityGroup {
  readonly id: string;
  /** Sources opened with `openPorts`, by `pairKey`. */
  readonly ingress: Map<string, IngressPair>;
}
