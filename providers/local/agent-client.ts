import http from 'node:http';
import { CancelledError, ConfigError, NotFoundError } from '../../src/index.js';
import type {
  ErrorBody,
  HealthResponse,
  ListMachinesResponse,
  ShutdownResponse,
  StartMachineRequest,
  StartMachineResponse,
  StopMachinesResponse,
} from './protocol.js';

/** The agent did not answer at all (no socket, nobody listening): it is not running. */
export class AgentUnreachableError extends Error {
  override readonly name = 'AgentUnreachableError';
}

/**
 * Talks to an environment's agent over its Unix socket. Each call takes a `signal`;
 * aborting rejects with `CANCELLED` (what the agent already did stays done).
 */
export class AgentClient {
  readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  health(signal?: AbortSignal): Promise<HealthResponse> {
    return this.#call('GET', '/v1/health', undefined, signal);
  }

  list(signal?: AbortSignal): Promise<ListMachinesResponse> {
    return this.#call('GET', '/v1/machines', undefined, signal);
  }

  start(request: StartMachineRequest, signal?: AbortSignal): Promise<StartMachineResponse> {
    return this.#call('POST', '/v1/machines', request, signal);
  }

  stop(params: { environmentUuid: string; ids: readonly string[] }, signal?: AbortSignal): Promise<StopMachinesResponse> {
    return this.#call('POST', '/v1/machines/stop', params, signal);
  }

  /** Stops every machine of the environment; the agent exits when it has none left. */
  shutdown(params: { environmentUuid: string }, signal?: AbortSignal): Promise<ShutdownResponse> {
    return this.#call('POST', '/v1/shutdown', params, signal);
  }

  #call<T>(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(new CancelledError(`local agent request ${path} cancelled`, { cause: signal.reason }));
        return;
      }
      const request = http.request(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
          ...(signal === undefined ? {} : { signal }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
              if ((response.statusCode ?? 500) < 400) resolve(parsed as T);
              else reject(agentError(parsed as ErrorBody));
            } catch (error) {
              reject(new Error(`the local agent gave an unreadable answer to ${path}`, { cause: error }));
            }
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (signal?.aborted === true) reject(new CancelledError(`local agent request ${path} cancelled`, { cause: signal.reason }));
        else if (unreachable.has(error.code ?? '')) reject(new AgentUnreachableError(`no local agent answers on ${this.socketPath}`, { cause: error }));
        else reject(new Error(`talking to the local agent on ${this.socketPath}: ${error.message}`, { cause: error }));
      });
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
  return new Error(`the local agent failed: ${message}`);
}
