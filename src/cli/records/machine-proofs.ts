import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MachineProof, MachineProofKeeper } from '../../provision/index.js';
import { holderForThisProcess, holderIsGone, parseHolder, thisHost, type LockHolder } from '../../util/lock-holder.js';
import { writeFileAtomically } from './write-atomically.js';

/** Where this client keeps the proofs of machines not yet ready: `<dir>/proofs/<machine id>.json`. */
export function proofsDir(dir: string): string {
  return path.join(dir, 'proofs');
}

const machineId = /^(0|[1-9]\d{0,8})$/;

/**
 * The CLI's proof keeper: one 0600 file per machine in a 0700 folder of the environment's
 * directory, written before the machine's instance starts and removed once it is ready
 * or gone, so that `--resume` after a crash proves the very machine that was started. The
 * nonce is a secret: it is kept here and nowhere else (never in provider-state or a log).
 */
export interface FileProofKeeper extends MachineProofKeeper {
  /** The envboot command still provisioning the machine (it kept the proof and runs), if any: such a machine is not to be resumed. */
  provisioner(machineId: string): Promise<LockHolder | undefined>;
}

/**
 * `command` names the run keeping the proofs (`envboot add-machine demo`): each proof
 * records it with its pid and start time, so that `--resume` leaves alone the machines a
 * run that still works on them is provisioning.
 */
export function fileProofKeeper(dir: string, command: string): FileProofKeeper {
  const folder = proofsDir(dir);
  const file = (id: string): string => {
    if (!machineId.test(id)) throw new Error(`not a machine id: ${JSON.stringify(id)}`);
    return path.join(folder, `${id}.json`);
  };
  return {
    keep: async (id, proof) => {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Not renewed: a proof is only ever judged on this host, by its writer's pid and start time.
      const holder = holderForThisProcess({ token: randomUUID(), command, leaseMs: 0, now: Date.now() });
      await writeFileAtomically(file(id), `${JSON.stringify({ hostKeys: proof.hostKeys, nonce: proof.nonce, holder })}\n`, 0o600);
    },
    find: async (id) => parseProof(await readFile(file(id), 'utf8').catch(() => undefined)),
    provisioner: async (id) => {
      const text = await readFile(file(id), 'utf8').catch(() => undefined);
      const holder = text === undefined ? undefined : holderOf(text);
      if (holder === undefined || holder.pid === process.pid || holderIsGone(holder, { here: thisHost(), now: Date.now() })) return undefined;
      return holder;
    },
    release: async (id) => {
      await rm(file(id), { force: true });
      // The folder goes with its last proof: an environment with nothing pending keeps no trace of it.
      if ((await readdir(folder).catch(() => ['?'])).length === 0) await rm(folder, { recursive: true, force: true });
    },
  };
}

function holderOf(text: string): LockHolder | undefined {
  try {
    const holder = (JSON.parse(text) as { holder?: unknown }).holder;
    return holder === undefined ? undefined : parseHolder(JSON.stringify(holder));
  } catch {
    return undefined;
  }
}

/** A kept proof; undefined for a missing or damaged file (the machine is then proven another way, or replaced). */
function parseProof(text: string | undefined): MachineProof | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { hostKeys?: unknown; nonce?: unknown };
    const hostKeys = Array.isArray(parsed.hostKeys) ? parsed.hostKeys.filter((k): k is string => typeof k === 'string' && k !== '') : [];
    if (hostKeys.length === 0 || typeof parsed.nonce !== 'string' || !/^[0-9a-f]{32}$/.test(parsed.nonce)) return undefined;
    return { hostKeys, nonce: parsed.nonce };
  } catch {
    return undefined;
  }
}
