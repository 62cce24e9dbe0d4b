import type { CloudConfig, MachineProxySettings } from '../../../cloudinit/index.js';
import type { Logger } from '../../logging/index.js';
import { configureMachine, LineTail } from '../../configure/index.js';
import { CancelledError, TimeoutError, errorCodeOf, isCancelled, messageOf } from '../../errors/index.js';
import type { Environ } from '../../provider/index.js';
import { runPhase, type FlowEventSink, type PhaseTiming } from '../../provision/index.js';
import type { SshKeyPair } from '../../ssh/index.js';
import { clearMachineFailure, markMachinesReady, type MachineRecord } from '../../state/index.js';
import { formatDuration } from '../../util/duration.js';
import { mapConcurrent } from '../../util/map-concurrent.js';
import { connectEnvironmentMachine } from '../environment/connect-environment-machine.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';

export interface ConfigureMachinesParams {
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  /** The machines to configure, as provider-state records them. */
  readonly machines: readonly MachineRecord[];
  readonly config: CloudConfig;
  /** The environment's proxies and apt mirror, applied with the config. */
  readonly proxies?: MachineProxySettings | undefined;
  readonly clientKey: SshKeyPair;
  /** `--timeout`: for each machine, from connecting to the script's end. */
  readonly timeoutMs?: number | undefined;
  readonly onEvent: FlowEventSink;
  /** A failure clearing a machine's recorded failure is told here, not failed on. */
  readonly onWarning: (message: string) => void;
  /** The operator's interrupt: stops every running script, starts no more. */
  readonly signal: AbortSignal;
  /** The debug log: which address each machine answered on, or why none did. */
  readonly logger?: Logger | undefined;
}

/** How one machine's configuration ended. */
export interface MachineConfigureResult {
  readonly machineId: string;
  readonly ok: boolean;
  readonly elapsedMs: number;
  /** False for a machine not started on because of an interrupt. */
  readonly started: boolean;
  /** Why it failed, when it did. */
  readonly error?: unknown;
  /** Whether a failure recorded for it (a machine kept broken) was cleared. */
  readonly failureCleared?: boolean;
}

/** At most this many machines are configured at once: enough for a few, gentle on a package mirror. */
const concurrency = 4;
const tailSize = 20;

/**
 * Applies a cloud-config again to machines that are running: each is reached with its
 * pinned host key, configured, and reported as a `configure` phase with its output as
 * `configure` events. One machine failing never stops the others. A machine configured
 * whose record carries a failure (it was kept broken) gets the failure cleared.
 */
export async function configureMachines(params: ConfigureMachinesParams): Promise<MachineConfigureResult[]> {
  const settled = await mapConcurrent(params.machines, concurrency, (machine) => configureOne(params, machine));
  return settled.map((result, index) =>
    result.status === 'fulfilled' ? result.value : { machineId: params.machines[index]?.id ?? '?', ok: false, elapsedMs: 0, started: true, error: result.reason },
  );
}

async function configureOne(params: ConfigureMachinesParams, machine: MachineRecord): Promise<MachineConfigureResult> {
  const machineId = machine.id;
  if (params.signal.aborted) {
    return { machineId, ok: false, elapsedMs: 0, started: false, error: new CancelledError(`machine ${machineId} was not configured: interrupted before it started`) };
  }
  const startedAt = performance.now();
  const deadline = params.timeoutMs === undefined ? undefined : AbortSignal.timeout(params.timeoutMs);
  const signal = deadline === undefined ? params.signal : AbortSignal.any([params.signal, deadline]);
  const timings: PhaseTiming[] = [];
  const tail = new LineTail(tailSize);
  let connected = false;
  try {
    await runPhase({
      phase: 'configure',
      machineId,
      onEvent: params.onEvent,
      timings,
      run: async () => {
        try {
          const { connection } = await connectEnvironmentMachine({ environment: params.environment, environ: params.environ, machineId, clientKey: params.clientKey, signal, logger: params.logger });
          try {
            connected = true;
            return await configureMachine({
              connection,
              config: params.config,
              proxies: params.proxies,
              onEvent: (event) => {
                if (event.type === 'configure.output') tail.add(event.line);
                params.onEvent({ type: 'configure', machineId, event });
              },
              signal,
              // The deadline is --timeout's, through `signal`; configureMachine's own default must not cut it short.
              ...(params.timeoutMs === undefined ? {} : { timeoutMs: params.timeoutMs + 60_000 }),
            });
          } finally {
            connection.close();
          }
        } catch (error) {
          if (deadline?.aborted !== true || params.signal.aborted || !isCancelled(error)) throw error;
          throw timedOut({ machineId, timeoutMs: params.timeoutMs ?? 0, connected, tail: tail.lines(), cause: error });
        }
      },
    });
  } catch (error) {
    return { machineId, ok: false, elapsedMs: Math.round(performance.now() - startedAt), started: true, error };
  }
  const elapsedMs = Math.round(performance.now() - startedAt);
  const failureCleared = await settleRecord(params, machine).catch((error: unknown) => {
    params.onWarning(`machine ${machineId} is configured, but its record in provider-state could not be updated (status may still show it failed): ${messageOf(error)}`);
    return false;
  });
  return { machineId, ok: true, elapsedMs, started: true, ...(machine.failure === undefined ? {} : { failureCleared }) };
}

/**
 * A machine configured is no longer broken: the failure it was kept with is cleared, and
 * one still pending (its run stopped before it was configured) is ready, so that a
 * `--resume` leaves it alone. Returns whether a failure was cleared.
 */
async function settleRecord(params: ConfigureMachinesParams, machine: MachineRecord): Promise<boolean> {
  const storage = params.environ.storage();
  const cleared = machine.failure === undefined ? false : await clearMachineFailure({ storage, machineId: machine.id, instanceId: machine.instanceId, signal: params.signal });
  if (machine.pending === true) await markMachinesReady({ storage, machineIds: [machine.id], instanceIds: { [machine.id]: machine.instanceId }, signal: params.signal });
  return cleared;
}

/** `--timeout` ran out: said as bootstrap says it, naming the flag, with what the script printed last. */
function timedOut(found: { machineId: string; timeoutMs: number; connected: boolean; tail: readonly string[]; cause: unknown }): TimeoutError {
  const stopped = found.connected ? '; the script was stopped' : ' (still connecting)';
  const last = found.tail.length === 0 ? '' : `; last ${found.tail.length} lines of output:\n${found.tail.map((line) => `  ${line}`).join('\n')}`;
  return new TimeoutError(`configuring machine ${found.machineId} did not finish within ${formatDuration(found.timeoutMs)} (--timeout)${stopped}${last}`, {
    cause: found.cause,
  });
}

/** A result's error as `--json` and the summary show it. */
export function errorOf(result: MachineConfigureResult): { code: string; message: string } | null {
  return result.error === undefined ? null : { code: errorCodeOf(result.error) ?? 'UNKNOWN', message: messageOf(result.error) };
}
