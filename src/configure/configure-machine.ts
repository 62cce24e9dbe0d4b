import { randomBytes } from 'node:crypto';
import { renderScript, withMachineProxies, type CloudConfig, type MachineProxySettings } from '../../cloudinit/index.js';
import { CancelledError, RemoteCommandError, SshConnectionLostError, TimeoutError, isCancelled, isSshConnectionLost } from '../errors/index.js';
import { uploadFile, type SshConnection } from '../ssh/index.js';
import { LineSplitter, LineTail } from './line-splitter.js';

/** Progress of a configure run: each step as it starts, and every line of output. */
export type ConfigureEvent =
  | { readonly type: 'configure.step'; readonly index: number; readonly total: number; readonly name: string }
  | { readonly type: 'configure.output'; readonly stream: 'stdout' | 'stderr'; readonly line: string };

export interface ConfigureMachineParams {
  /** A verified connection (from `waitSSH`); it stays open afterwards. */
  readonly connection: SshConnection;
  readonly config: CloudConfig;
  /**
   * The environment's proxies and apt mirror: merged into the config's `apt` (its own
   * values win), exported to every step, and kept in `/etc/environment`.
   */
  readonly proxies?: MachineProxySettings | undefined;
  /** Limit for the whole run. Default 30 minutes. */
  readonly timeoutMs?: number;
  readonly onEvent?: (event: ConfigureEvent) => void;
  readonly signal?: AbortSignal;
  /** Tests only: see `RenderScriptOptions.rootPrefix`. */
  readonly rootPrefix?: string;
}

export interface ConfigureMachineResult {
  readonly elapsedMs: number;
  readonly steps: number;
}

const tailSize = 20;
const stepLine = /^envboot: \[(\d+)\/(\d+)\] (.*)$/;

/**
 * Applies a cloud-config to a machine over SSH: renders it as one shell script, uploads
 * it (0600), runs it (through `sudo -n` when the user is not root), streams its output
 * line by line as events, and removes it. Fails with `REMOTE_COMMAND_FAILED` carrying the
 * exit status and the last 20 lines of output, `SSH_CONNECTION_LOST` (naming the step it
 * was on) when the connection goes away or stops answering under it, `TIMEOUT`, or
 * `CANCELLED`; on timeout or cancel the remote script is stopped. It is never re-run by
 * itself: the steps are not known to be safe to repeat.
 *
 * @example
 * await configureMachine({ connection, config, onEvent: (e) => e.type === 'configure.output' && console.log(e.line) });
 */
export async function configureMachine(params: ConfigureMachineParams): Promise<ConfigureMachineResult> {
  const started = Date.now();
  const { connection } = params;
  const sudo = connection.user !== 'root';
  const machine = withMachineProxies(params.config, params.proxies);
  const script = renderScript(machine.config ?? params.config, {
    sudo,
    environment: machine.environment,
    defaultUser: connection.user,
    ...(params.rootPrefix === undefined ? {} : { rootPrefix: params.rootPrefix }),
  });
  const stop = new AbortController();
  const timeoutMs = params.timeoutMs ?? 30 * 60_000;
  let stopped: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => {
    stopped = 'timeout';
    stop.abort();
  }, timeoutMs);
  const onCancel = (): void => {
    stopped ??= 'cancelled';
    stop.abort();
  };
  if (params.signal?.aborted === true) onCancel();
  params.signal?.addEventListener('abort', onCancel, { once: true });

  const tail = new LineTail(tailSize);
  let steps = 0;
  let currentStep: string | undefined;
  const emit = (stream: 'stdout' | 'stderr') => (line: string) => {
    tail.add(line);
    const step = stream === 'stdout' ? stepLine.exec(line) : null;
    if (step !== null) {
      steps = Number(step[2]);
      currentStep = `step ${step[1]}/${step[2]} (${step[3] ?? ''})`;
      params.onEvent?.({ type: 'configure.step', index: Number(step[1]), total: steps, name: step[3] ?? '' });
    }
    params.onEvent?.({ type: 'configure.output', stream, line });
  };
  const out = new LineSplitter(emit('stdout'));
  const err = new LineSplitter(emit('stderr'));
  const remote = `/tmp/envboot-configure-${randomBytes(8).toString('hex')}.sh`;
  try {
    await uploadFile({ connection, path: remote, content: script, mode: '0600', signal: stop.signal });
    const result = await connection.exec({
      command: runner(remote, sudo),
      holdStdin: true,
      onStdout: (chunk) => {
        out.push(chunk);
      },
      onStderr: (chunk) => {
        err.push(chunk);
      },
      collect: false,
      signal: stop.signal,
    });
    out.end();
    err.end();
    if (result.exitCode !== 0) {
      const status = result.exitCode === undefined ? `was killed by ${String(result.exitSignal)}` : `exited with status ${result.exitCode}`;
      const lines = tail.lines();
      throw new RemoteCommandError(
        `configuring ${connection.address} failed: the script ${status}; last ${lines.length} lines of output:\n${indented(lines)}`,
        {
          address: connection.address,
          ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
          ...(result.exitSignal === undefined ? {} : { exitSignal: result.exitSignal }),
          outputTail: lines,
        },
      );
    }
    return { elapsedMs: Date.now() - started, steps };
  } catch (error) {
    const lines = tail.lines();
    const last = lines.length === 0 ? '' : `; last lines of output:\n${indented(lines)}`;
    if (isSshConnectionLost(error) && stopped === undefined) throw connectionLost(connection.address, { error, step: currentStep, last });
    if (!isCancelled(error) || stopped === undefined) throw error;
    if (stopped === 'timeout') {
      throw new TimeoutError(`configuring ${connection.address} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped${last}`, { cause: error });
    }
    throw new CancelledError(`configuring ${connection.address} cancelled; the script was stopped${last}`, { cause: error });
  } finally {
    clearTimeout(timer);
    params.signal?.removeEventListener('abort', onCancel);
  }
}

/**
 * Runs the uploaded script in its own session and process group (root's, when the script
 * re-runs itself through sudo: then it is stopped through sudo too), removes it however the
 * run ends, and stops the whole group (the script and whatever it started) when standard
 * input reaches end-of-file: the client closed the channel to cancel. OpenSSH delivers
 * neither a hang-up nor signal requests to a command without a terminal, so end-of-file is
 * the one sign that always arrives; a hang-up or signal, where a server sends one, works
 * too.
 */
function runner(script: string, sudo: boolean): string {
  // A script that re-ran itself through sudo belongs to root: only root may signal its
  // group. sudo runs procps' kill, which takes a negative pid after `--` only; the shell's
  // own kill has no `--`.
  const kill = sudo ? 'sudo -n kill' : 'kill';
  const group = sudo ? '-- "-$envboot_pid"' : '"-$envboot_pid"';
  return [
    `trap 'rm -f -- ${script}' EXIT`,
    // First stop request wins: ignore the rest, stop the script's group (TERM, then KILL
    // after a second for anything that ignored it or was being forked), remove the file.
    `envboot_kill() { ${kill} -TERM ${group} 2>/dev/null; ( trap '' HUP INT TERM; sleep 1; ${kill} -KILL ${group} 2>/dev/null ) >/dev/null 2>&1 & }`,
    `envboot_stop() { trap '' HUP INT TERM; envboot_kill; rm -f -- ${script}; exit 143; }`,
    // A background job's stdin is /dev/null unless redirected explicitly: keep the real one on fd 3.
    'exec 3<&0',
    `setsid sh ${script} </dev/null & envboot_pid=$!`,
    '( cat <&3 >/dev/null 2>&1; envboot_kill ) >/dev/null 2>&1 &',
    'exec 3<&-',
    // Servers that do signal the session (a hang-up, or a signal request) reach this shell only.
    'trap envboot_stop HUP INT TERM',
    'wait "$envboot_pid"',
  ].join('\n');
}

/**
 * The script's end, when the connection went first: no exit status, so no telling how far
 * it got. The runner stops the script when its session ends on the machine (at once when
 * the server is gone; a server cut off by the network notices later), so re-running
 * the configuration on this machine is not safe without checking it.
 */
function connectionLost(address: string, found: { error: unknown; step: string | undefined; last: string }): SshConnectionLostError {
  const where = found.step === undefined ? 'before the first step' : `during ${found.step}`;
  return new SshConnectionLostError(
    `configuring ${address} failed: the SSH connection was lost ${where}, so the machine may be part-configured (the script is stopped when its session ends there); check the machine or replace it${found.last}`,
    { address, cause: found.error },
  );
}

function indented(lines: readonly string[]): string {
  return lines.map((line) => `  ${line}`).join('\n');
}
