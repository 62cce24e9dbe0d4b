import http from 'node:http';
import type { ErrorBody, HealthResponse, ShutdownRequest, ShutdownResponse, StartMachineRequest, StopMachinesRequest } from '../protocol.js';
import { AgentRequestError, type Fleet } from './fleet.js';

export interface AgentServerParams {
  readonly fleet: Fleet;
  readonly dataDir: string;
  /** Called after a shutdown request has been answered. */
  readonly onShutdown: () => void;
  /** Called on every request, so that the idle timer restarts. */
  readonly onActivity: () => void;
}

const maxBodyBytes = 1024 * 1024;

/** The agent's HTTP API on its Unix socket (see `protocol.ts`). */
export function createAgentServer(params: AgentServerParams): http.Server {
  const { fleet } = params;
  const server = http.createServer((request, response) => {
    params.onActivity();
    void route(request, response).catch((error: unknown) => {
      const known = error instanceof AgentRequestError;
      const body: ErrorBody = { error: { code: known ? error.code : 'AGENT_ERROR', message: (error as Error).message } };
      send(response, known ? error.status : 500, body);
    });
  });

  async function route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const key = `${request.method ?? 'GET'} ${request.url ?? '/'}`;
    switch (key) {
      case 'GET /v1/health': {
        const health: HealthResponse = { pid: process.pid, dataDir: params.dataDir, machines: fleet.size };
        send(response, 200, health);
        return;
      }
      case 'GET /v1/machines':
        send(response, 200, { instances: fleet.list() });
        return;
      case 'POST /v1/machines':
        send(response, 201, await fleet.start(await readJson<StartMachineRequest>(request)));
        return;
      case 'POST /v1/machines/stop': {
        const body = await readJson<StopMachinesRequest>(request);
        send(response, 200, await fleet.stop(body.ids, body.environmentUuid));
        return;
      }
      case 'POST /v1/shutdown': {
        const body = await readJson<ShutdownRequest>(request);
        const stopped = await fleet.stopAll(body.environmentUuid);
        // Machines that remain (not stopped, or another environment's) keep the agent: exiting would orphan them.
        const answer: ShutdownResponse = { ...stopped, exiting: fleet.size === 0, remaining: fleet.size };
        send(response, 200, answer);
        if (answer.exiting) response.on('finish', params.onShutdown);
        return;
      }
      default:
        throw new AgentRequestError('NOT_FOUND', 404, `the local agent has no ${key}`);
    }
  }
  return server;
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readJson<T>(request: http.IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new AgentRequestError('CONFIG_INVALID', 413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch {
    throw new AgentRequestError('CONFIG_INVALID', 400, 'request body is not JSON');
  }
}
