import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { MachineProof, MachineProofKeeper } from '../../provision/index.js';
import { holderForThisProcess, holderIsGone, parseHolder, thisHost, type LockHolder } from '../../util/lock-holder.js';
import { writeFileAtomically } from './write-atomically.js';

/** Where this client keeps the proofs of machines not yet ready: `<dir>/proofs/<machine id>.json`. */
export function proofsDir(dir: string): string {
  return path.join(dir, 'proofs');
}

const machineId = /^(0|[1-9]\d{0,8})$/;
const proofFile = /^(0|[1-9]\d{0,8})\.json$/;

export interface FileProofKeeper extends MachineProofKeeper {
  /** The machine ids this client keeps a proof for (temporary files of a write cut short are not proofs). */
  keptIds(): Promise<string[]>;
  /** The envboot command still provisioning the machine (it kept the proof and runs), if any: such a machine is not to be resumed. */
  provisioner(machineId: string): Promise<LockHolder | undefined>;
  /** The SHA-256 of the cloud-config the run that kept the proof was to apply; null for none; undefined when unknown. */
  configDigest(machineId: string): Promise<string | null | undefined>;
}

export interface FileProofKeeperParams {
  /** The run keeping the proofs, as the user typed it (`envboot add-machine demo`): named to a `--resume` that finds it still running. */
  readonly command: string;
  /** The SHA-256 of the cloud-config this run applies, null for none: a `--resume` checks it is given the same. */
  readonly configDigest?: string | null;
}

/**
 * The CLI's proof keeper: one 0600 file per machine in a 0700 folder of the environment's
 * directory, written before the machine's instance starts and removed once it is ready
 * or gone, so that `--resume` after a crash proves the very machine that was started. The
 * nonce is a secret: it is kept here and nowhere else (never in provider-state or a log).
 * Each proof names the run that kept it (pid and start time), so that `--resume` leaves
 * alone the machines a run that still works on them is provisioning.
 */
export function fileProofKeeper(dir: string, params: FileProofKeeperParams): FileProofKeeper {
  const folder = proofsDir(dir);
  const file = (id: string): string => {
    if (!machineId.test(id)) throw new RangeError(`not a machine id: ${JSON.stringify(id)}`);
    return path.join(folder, `${id}.json`);
  };
  const read = async (id: string): Promise<Record<string, unknown> | undefined> => {
    const text = await readFile(file(id), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    keep: async (id, proof) => {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Not renewed: a proof is only ever judged on this host, by its writer's pid and start time.
      const holder = holderForThisProcess({ token: randomUUID(), command: params.command, leaseMs: 0, now: Date.now() });
      const body = { hostKeys: proof.hostKeys, nonce: proof.nonce, holder, configDigest: params.configDigest ?? null };
      await writeFileAtomically(file(id), `${JSON.stringify(body)}\n`, 0o600);
    },
    find: async (id) => proofOf(await read(id)),
    release: async (id) => {
      await rm(file(id), { force: true });
      // A write cut short by a kill leaves its temporary file, nonce and all: it goes with the proof.
      for (const name of await readdir(folder).catch(() => [])) {
        if (name.startsWith(`${id}.json.`) && name.endsWith('.tmp')) await rm(path.join(folder, name), { force: true });
      }
      // The folder goes with its last proof; rmdir leaves it when another run has just kept one.
      await rmdir(folder).catch(() => undefined);
    },
    keptIds: async () => (await readdir(folder).catch(() => [])).filter((name) => proofFile.test(name)).map((name) => name.slice(0, -'.json'.length)),
    provisioner: async (id) => {
      const raw = (await read(id))?.['holder'];
      const holder = raw === undefined ? undefined : parseHolder(JSON.stringify(raw));
      if (holder === undefined || holder.pid === process.pid || holderIsGone(holder, { here: thisHost(), now: Date.now() })) return undefined;
      return holder;
    },
    configDigest: async (id) => {
      const raw = await read(id);
      if (raw === undefined || !('configDigest' in raw)) return undefined;
      const digest = raw['configDigest'];
      return typeof digest === 'string' ? digest : null;
    },
  };
}

/** A kept proof; undefined for a missing or damaged file (the machine is then proven another way, or replaced). */
function proofOf(parsed: Record<string, unknown> | undefined): MachineProof | undefined {
  if (parsed === undefined) return undefined;
  const hostKeys = Array.isArray(parsed['hostKeys']) ? parsed['hostKeys'].filter((k): k is string => typeof k === 'string' && k !== '') : [];
  const nonce = parsed['nonce'];
  if (hostKeys.length === 0 || typeof nonce !== 'string' || !/^[0-9a-f]{32}$/.test(nonce)) return undefined;
  return { hostKeys, nonce };
}

/** The SHA-256 of a cloud-config as parsed (the same file gives the same digest), null for none. */
export function cloudConfigDigest(config: object | undefined): string | null {
  return config === undefined ? null : createHash('sha256').update(JSON.stringify(config)).digest('hex');
}
