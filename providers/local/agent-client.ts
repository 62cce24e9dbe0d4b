import http from 'node:http';
import {
  CancelledError,
  ConfigError,
  EnvbootError,
  ErrorCode,
  errorCodeOf,
  NotFoundError,
  TimeoutError,
  ZoneIndependentError,
  type EnvbootErrorOptions,
} from '../../src/index.js';
import type {
  ErrorBody,
  HealthResponse,
  ListMachinesResponse,
  ShutdownResponse,
  StartMachineRequest,
  StartMachineResponse,
  StopMachinesResponse,
} from './protocol.js';

/**
 * The agent did not answer at all (no socket, nobody listening): it is not running.
 * Code `SSH_UNREACHABLE`, the family's code for a peer that cannot be reached.
 */
export class AgentUnreachableError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.SshUnreachable, message, options);
  }
}

/** The calls of the agent's API, each with its own deadline. */
export type AgentCall = 'health' | 'list' | 'start' | 'stop' | 'shutdown';

export interface AgentClientOptions {
  /** Overrides the deadline of some calls, in milliseconds. */
  readonly timeoutsMs?: Partial<Readonly<Record<AgentCall, number>>>;
}

/**
 * How long each call may take. The agent answers health and list from memory; start
 * writes a record; stop and shutdown kill sandboxes (up to 5 s each, in parallel).
 */
export const agentTimeoutsMs: Readonly<Record<AgentCall, number>> = {
  health: 3_000,
  list: 10_000,
  start: 60_000,
  stop: 60_000,
  shutdown: 60_000,
};

/** Codes a failed start passes on as they are; anything else stops zone fail-over (see `start`). */
const startPassThrough: ReadonlySet<string | undefined> = new Set([ErrorCode.Cancelled, ErrorCode.ConfigInvalid, ErrorCode.NotFound]);

/**
 * Talks to an environment's agent over its Unix socket. Each call takes a `signal`;
 * aborting rejects with `CANCELLED` (what the agent already did stays done). Each call
 * also has a deadline (`agentTimeoutsMs`): an agent that does not answer in time fails
 * the call with `TIMEOUT`.
 */
export class AgentClient {
  readonly socketPath: string;
  readonly #timeoutsMs: Readonly<Record<AgentCall, number>>;

  constructor(socketPath: string, options: AgentClientOptions = {}) {
    this.socketPath = socketPath;
    this.#timeoutsMs = { ...agentTimeoutsMs, ...options.timeoutsMs };
  }

  health(signal?: AbortSignal): Promise<HealthResponse> {
    return this.#call('health', 'GET', '/v1/health', undefined, signal);
  }

  list(signal?: AbortSignal): Promise<ListMachinesResponse> {
    return this.#call('list', 'GET', '/v1/machines', undefined, signal);
  }

  /**
   * Asks the agent to start a machine. A failure other than cancellation, bad config or
   * not-found comes wrapped in `ZoneIndependentError` (the original, `TIMEOUT` say, is its
   * cause): whatever failed in the agent would fail the same in every simulated zone, and a
   * start that timed out may have started the machine after all, so another zone must not
   * start a second one.
   */
  async start(request: StartMachineRequest, signal?: AbortSignal): Promise<StartMachineResponse> {
    try {
      return await this.#call<StartMachineResponse>('start', 'POST', '/v1/machines', request, signal);
    } catch (error) {
      throw startPassThrough.has(errorCodeOf(error)) ? error : new ZoneIndependentError(error);
    }
  }

  stop(params: { environmentUuid: string; ids: readonly string[] }, signal?: AbortSignal): Promise<StopMachinesResponse> {
    return this.#call('stop', 'POST', '/v1/machines/stop', params, signal);
  }

  /** Stops every machine of the environment; the agent exits when it has none left. */
  shutdown(params: { environmentUuid: string }, signal?: AbortSignal): Promise<ShutdownResponse> {
    return this.#call('shutdown', 'POST', '/v1/shutdown', params, signal);
  }

  #call<T>(call: AgentCall, method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const timeoutMs = this.#timeoutsMs[call];
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(new CancelledError(`local agent request ${path} cancelled`, { cause: signal.reason }));
        return;
      }
      const deadline = AbortSignal.timeout(timeoutMs);
      const fail = (error: NodeJS.ErrnoException): void => {
        if (signal?.aborted === true) reject(new CancelledError(`local agent request ${path} cancelled`, { cause: signal.reason }));
        else if (deadline.aborted) {
          reject(
            new TimeoutError(
              `the local agent at ${this.socketPath} did not answer ${method} ${path} within ${timeoutMs / 1000} s; it may be stuck: ` +
                "kill it (its pid is in agent.json and agent.log in the environment's data directory) and retry",
              { cause: error },
            ),
          );
        } else if (unreachable.has(error.code ?? '')) reject(new AgentUnreachableError(`no local agent answers on ${this.socketPath}`, { cause: error }));
        else reject(new EnvbootError(ErrorCode.SshUnreachable, `talking to the local agent on ${this.socketPath}: ${error.message}`, { cause: error }));
      };
      const request = http.request(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
          signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            const failed = (response.statusCode ?? 500) >= 400;
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (failed && typeof (parsed as Partial<ErrorBody> | null)?.error?.message !== 'string') throw new Error(`HTTP ${response.statusCode ?? 500} without an error message`);
            } catch (error) {
              // Answered, but not in the agent's protocol: the request's outcome is unknown.
              reject(
                new EnvbootError(ErrorCode.RemoteCommandFailed, `the local agent on ${this.socketPath} gave an unreadable answer to ${path}`, {
                  cause: error,
                }),
              );
              return;
            }
            if (failed) reject(agentError(parsed as ErrorBody));
            else resolve(parsed as T);
          });
        },
      );
      request.on('error', fail);
      request.end(text);
    });
  }
}

// ECONNRESET, EPIPE: an agent dying as we connected (its last threads still held the socket).
const unreachable = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

function agentError(body: ErrorBody): Error {
  const { code, message } = body.error;
  if (code === 'CONFIG_INVALID') return new ConfigError(message);
  if (code === 'NOT_FOUND') return new NotFoundError(message);
  // The agent ran the request and it failed there (a file it could not write, say): its log says more.
  return new EnvbootError(ErrorCode.RemoteCommandFailed, `the local agent failed: ${message}`);
}
