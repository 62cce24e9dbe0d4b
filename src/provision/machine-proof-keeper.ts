import type { MachineProof } from './machine-proof.js';

/**
 * Where a flow keeps each new machine's proof from just before its instance starts until
 * the machine is verified, configured and marked ready, so that a run killed in between
 * can be resumed: the machine is reached again and proven instead of replaced. The CLI
 * keeps them in 0600 files of the client's environment directory; a library caller that
 * never resumes passes none.
 */
export interface MachineProofKeeper {
  keep(machineId: string, proof: MachineProof): Promise<void>;
  find(machineId: string): Promise<MachineProof | undefined>;
  /** Forgets a machine's proof: it is ready, or gone. Forgetting one that is not kept is fine. */
  release(machineId: string): Promise<void>;
}

/** A keeper in memory, for library callers that resume within one process, and for tests. */
export function memoryProofKeeper(): MachineProofKeeper & { readonly kept: ReadonlyMap<string, MachineProof> } {
  const kept = new Map<string, MachineProof>();
  return {
    kept,
    keep: (machineId, proof) => {
      kept.set(machineId, proof);
      return Promise.resolve();
    },
    find: (machineId) => Promise.resolve(kept.get(machineId)),
    release: (machineId) => {
      kept.delete(machineId);
      return Promise.resolve();
    },
  };
}
