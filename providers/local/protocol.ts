import type { Hardware, Instance } from '../../src/index.js';

/**
 * The agent's API: JSON over HTTP on its Unix socket. The CLI side (`agent-client.ts`)
 * and the agent (`agent/agent-server.ts`) share these shapes; nothing else speaks it.
 *
 * - `GET  /v1/health`          → `HealthResponse`
 * - `GET  /v1/machines`        → `ListMachinesResponse`
 * - `POST /v1/machines`        `StartMachineRequest` → `StartMachineResponse`
 * - `POST /v1/machines/stop`   `StopMachinesRequest` → `StopMachinesResponse`
 * - `POST /v1/shutdown`        `ShutdownRequest` → `ShutdownResponse`, then the agent exits if it has no machine left
 *
 * Errors answer with a 4xx/5xx status and `ErrorBody`.
 */
export const apiVersion = 'v1';

export interface HealthResponse {
  readonly pid: number;
  readonly dataDir: string;
  readonly machines: number;
}

export interface StartMachineRequest {
  readonly environmentUuid: string;
  readonly machineId: string;
  /** Absent: the agent picks the least populated of `zones`. */
  readonly zone?: string;
  readonly zones: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** The user-data, base64-encoded. */
  readonly userData: string;
  readonly bootDelayMs: number;
  /** Host directories the machine must never see, besides the agent's data directory (the client's keys and config). */
  readonly hide?: readonly string[];
}

export interface StartMachineResponse {
  readonly instance: Instance;
  readonly hardware: Hardware;
}

export interface ListMachinesResponse {
  readonly instances: readonly Instance[];
}

export interface StopMachinesRequest {
  readonly environmentUuid: string;
  readonly ids: readonly string[];
}

export interface ShutdownRequest {
  readonly environmentUuid: string;
}

export interface StopMachinesResponse {
  /** Ids that were running (or pending, or failed) and are now gone. */
  readonly stopped: readonly string[];
  /** Machines that could not be stopped, each with why; they keep their records. */
  readonly failures: readonly { readonly id: string; readonly message: string }[];
}

export interface ShutdownResponse extends StopMachinesResponse {
  /** False when machines remain (failed to stop, or another environment's): the agent stays. */
  readonly exiting: boolean;
  readonly remaining: number;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** What the agent writes to `agent.json` once it listens. */
export interface AgentInfo {
  readonly pid: number;
  readonly socketPath: string;
  readonly dataDir: string;
  readonly startedAt: string;
}
