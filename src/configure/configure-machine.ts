import { randomBytes } from 'node:crypto';
import { renderScript, type CloudConfig } from '../../cloudinit/index.js';
import { CancelledError, RemoteCommandError, TimeoutError, isCancelled } from '../errors/index.js';
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
 * exit status and the last 20 lines of output, `TIMEOUT`, or `CANCELLED`; on timeout or
 * cancel the remote script is stopped.
 *
 * @example
 * await configureMachine({ connection, config, onEvent: (e) => e.type === 'configure.output' && console.log(e.line) });
 */
export async function configureMachine(params: ConfigureMachineParams): Promise<ConfigureMachineResult> {
  const started = Date.now();
  const { connection } = params;
  const sudo = connection.user !== 'root';
  const script = renderScript(params.config, {
    sudo,
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
  const emit = (stream: 'stdout' | 'stderr') => (line: string) => {
    tail.add(line);
    const step = stream === 'stdout' ? stepLine.exec(line) : null;
    if (step !== null) {
      steps = Number(step[2]);
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
      // The wrapper removes the script however the run ends, hang-up included.
      command: `trap 'rm -f ${remote}' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; sh ${remote}`,
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
        `configuring ${connection.address} failed: the script ${status}; last ${lines.length} lines of output:\n${lines.map((l) => `  ${l}`).join('\n')}`,
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
    if (!isCancelled(error) || stopped === undefined) throw error;
    const lines = tail.lines();
    const last = lines.length === 0 ? '' : `; last lines of output:\n${lines.map((l) => `  ${l}`).join('\n')}`;
    if (stopped === 'timeout') {
      throw new TimeoutError(`configuring ${connection.address} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped${last}`, { cause: error });
    }
    throw new CancelledError(`configuring ${connection.address} cancelled; the script was stopped${last}`, { cause: error });
  } finally {
    clearTimeout(timer);
    params.signal?.removeEventListener('abort', onCancel);
  }
}
