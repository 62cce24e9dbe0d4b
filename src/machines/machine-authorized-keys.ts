import { RemoteCommandError, messageOf, throwIfCancelled } from '../errors/index.js';
import type { Environ } from '../provider/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { loadState, machineRecords } from '../state/index.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { signalOf } from '../util/optional.js';
import { authorizedKeysScript, parseAuthorizedKeysReport, type AuthorizedKeysChange } from './authorized-keys-script.js';
import { connectMachine } from './connect-machine.js';

export interface EachMachineParams {
  readonly environ: Environ;
  /** The key that logs in (this client's). */
  readonly clientKey: SshKeyPair;
  /** Default: every machine provider-state records. */
  readonly machineIds?: readonly string[] | undefined;
  /** Machines worked on at once. Default 4. */
  readonly concurrency?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface MachineKeysParams extends EachMachineParams {
  readonly change: AuthorizedKeysChange;
}

/** One machine's outcome: the lines added and removed, or why it could not be changed. */
export type MachineKeysOutcome =
  | {
      readonly machineId: string;
      readonly ok: true;
      readonly added: number;
      readonly removed: number;
      /** Lines that stay (not written by envboot, or by another environment) and still hold a removed key: it still gets in there. */
      readonly remaining: number;
    }
  | { readonly machineId: string; readonly ok: false; readonly error: unknown };

/**
 * Adds and removes the environment's lines in the login user's `~/.ssh/authorized_keys`
 * on every machine (see `authorizedKeysScript`; another environment's lines stay), over the same verified connection `exec` uses
 * (host key pinned, through the jump host where there is one), as each machine's own
 * login user. One machine that cannot be reached does not stop the others: each outcome
 * says what happened, in machine-id order. Idempotent.
 *
 * @example
 * const outcomes = await changeMachineKeys({ environ, clientKey, change: { add: [line] }, signal });
 */
export function changeMachineKeys(params: MachineKeysParams): Promise<MachineKeysOutcome[]> {
  const script = authorizedKeysScript({ ...params.change, environmentUuid: params.environ.environment.uuid });
  return eachMachine(params, async (machineId) => {
    const { connection } = await connectMachine({ environ: params.environ, machineId, clientKey: params.clientKey, ...signalOf(params) });
    try {
      const ran = await connection.exec({ command: 'sh -s', stdin: script, ...signalOf(params) });
      const report = parseAuthorizedKeysReport(ran.stdout.toString('utf8'));
      if (ran.exitCode !== 0 || report === undefined) {
        throw new RemoteCommandError(`changing ~/.ssh/authorized_keys on machine ${machineId} failed (exit status ${String(ran.exitCode ?? ran.exitSignal)})`, {
          ...(ran.exitCode === undefined ? {} : { exitCode: ran.exitCode }),
          outputTail: ran.stderr.toString('utf8').trim().split('\n').slice(-5),
        });
      }
      return { machineId, ok: true, ...report } as const;
    } finally {
      connection.close();
    }
  });
}

/** One machine's login proof: whether `clientKey` logged in and ran a command there. */
export type LoginOutcome = { readonly machineId: string; readonly ok: true } | { readonly machineId: string; readonly ok: false; readonly error: unknown };

/**
 * Logs in to every machine with `clientKey` and runs `true`: the proof a rotation needs
 * before the old key may go. Outcomes in machine-id order; one failure stops no other.
 */
export function proveLogins(params: EachMachineParams): Promise<LoginOutcome[]> {
  return eachMachine(params, async (machineId) => {
    const { connection } = await connectMachine({ environ: params.environ, machineId, clientKey: params.clientKey, ...signalOf(params) });
    try {
      const ran = await connection.exec({ command: 'true', ...signalOf(params) });
      if (ran.exitCode !== 0) throw new RemoteCommandError(`machine ${machineId} logged the new key in, but "true" exited with ${String(ran.exitCode ?? ran.exitSignal)}`, {});
      return { machineId, ok: true } as const;
    } finally {
      connection.close();
    }
  });
}

async function eachMachine<R extends { machineId: string; ok: true }>(
  params: EachMachineParams,
  run: (machineId: string) => Promise<R>,
): Promise<(R | { machineId: string; ok: false; error: unknown })[]> {
  throwIfCancelled(params.signal, 'reaching the machines');
  const ids = params.machineIds ?? machineRecords((await loadState({ storage: params.environ.storage(), ...signalOf(params) })).state).map((m) => m.id);
  const settled = await mapConcurrent(ids, params.concurrency ?? 4, (machineId) => run(machineId));
  throwIfCancelled(params.signal, 'reaching the machines');
  return settled.map((result, index) => {
    const machineId = ids[index] ?? '';
    return result.status === 'fulfilled' ? result.value : { machineId, ok: false as const, error: result.reason as unknown };
  });
}

/** A one-line reason for a machine's failure, for reports. */
export function machineFailureText(outcome: { machineId: string; error: unknown }): string {
  return `machine ${outcome.machineId}: ${messageOf(outcome.error).split('\n')[0] ?? ''}`;
}
