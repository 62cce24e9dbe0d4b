import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CancelledError } from '../../src/index.js';
import { waitForHolderLock } from '../../src/host/index.js';
import { AgentClient, AgentUnreachableError } from './agent-client.js';
import { socketPathFor, type LocalLayout } from './layout.js';
import { ensurePrivateDir } from './private-dir.js';
import type { AgentInfo } from './protocol.js';

/**
 * The agent's entry point, compiled next to this file: `agent/main.js`. Found from this
 * module's own URL, so it works wherever envboot is installed.
 */
export const agentEntryPoint = fileURLToPath(new URL('./agent/main.js', import.meta.url));

const startTimeoutMs = 10_000;

export interface ConnectAgentParams {
  readonly layout: LocalLayout;
  /** Start an agent when none runs; otherwise answer undefined. */
  readonly start: boolean;
  /** The caller already holds the agent lock (teardown). */
  readonly locked?: boolean;
  readonly signal?: AbortSignal;
}

export interface ConnectedAgent {
  readonly client: AgentClient;
  readonly pid: number;
  /** True when this call started the agent. */
  readonly started: boolean;
}

/**
 * Gets the environment's agent, starting it when asked and none runs. Starting is under a
 * cross-process lock (`<dataDir>/agent.lock`), so two CLI processes never start two.
 */
export async function connectAgent(params: ConnectAgentParams): Promise<ConnectedAgent | undefined> {
  const running = await findAgent(params.layout, params.signal);
  if (running !== undefined || !params.start) return running;
  await mkdir(params.layout.dataDir, { recursive: true, mode: 0o700 });
  const release = params.locked === true ? undefined : await lockAgent(params.layout, params.signal);
  try {
    return (await findAgent(params.layout, params.signal)) ?? (await spawnAgent(params.layout, params.signal));
  } finally {
    await release?.();
  }
}

/** Takes the lock that serialises agent start and teardown; resolves with its release. */
export async function lockAgent(layout: LocalLayout, signal?: AbortSignal): Promise<() => Promise<void>> {
  // The lock names its holder: one left by a command killed meanwhile is taken over at once, not after a stale timeout.
  const lock = await waitForHolderLock({ path: `${layout.agentLock}.lock`, command: 'starting or stopping the local agent', timeoutMs: 40_000, signal });
  return () => lock.release().catch(() => undefined);
}

/** What `agent.json` says about the running agent, if anything. */
export async function readAgentInfo(layout: LocalLayout): Promise<AgentInfo | undefined> {
  try {
    return JSON.parse(await readFile(layout.agentInfo, 'utf8')) as AgentInfo;
  } catch {
    return undefined;
  }
}

async function findAgent(layout: LocalLayout, signal: AbortSignal | undefined): Promise<ConnectedAgent | undefined> {
  const info = await readAgentInfo(layout);
  const socketPath = info?.socketPath ?? socketPathFor(layout.dataDir);
  if (!socketPath.startsWith(`${layout.dataDir}${path.sep}`)) await ensurePrivateDir(path.dirname(socketPath));
  const client = new AgentClient(socketPath);
  try {
    const health = await client.health(signal);
    // A socket left by another environment's agent (a stale agent.json) is not ours.
    return health.dataDir === layout.dataDir ? { client, pid: health.pid, started: false } : undefined;
  } catch (error) {
    if (error instanceof AgentUnreachableError) return undefined;
    throw error;
  }
}

async function spawnAgent(layout: LocalLayout, signal: AbortSignal | undefined): Promise<ConnectedAgent> {
  if (!existsSync(agentEntryPoint)) {
    throw new Error(`the local provider's agent is missing at ${agentEntryPoint}; build envboot (npm run build) so that it is compiled`);
  }
  const socketPath = socketPathFor(layout.dataDir);
  if (!socketPath.startsWith(`${layout.dataDir}${path.sep}`)) await ensurePrivateDir(path.dirname(socketPath));
  const log = openSync(layout.agentLog, 'a', 0o600);
  let exited: string | undefined;
  try {
    const child = spawn(process.execPath, [agentEntryPoint, '--data-dir', layout.dataDir, '--socket', socketPath], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: '/',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    });
    child.once('error', (error) => { exited = error.message; });
    child.once('exit', (code, how) => { exited = code === null ? `killed by ${String(how)}` : `exit status ${code}`; });
    child.unref();
  } finally {
    closeSync(log);
  }
  const client = new AgentClient(socketPath);
  const deadline = Date.now() + startTimeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    if (signal?.aborted === true) throw new CancelledError('starting the local agent cancelled', { cause: signal.reason });
    const health = await client.health(signal).catch((error: unknown) => {
      if (error instanceof AgentUnreachableError) return undefined;
      throw error;
    });
    if (health !== undefined) return { client, pid: health.pid, started: true };
    // Exit status 0 at start: another agent answers on the socket (one being replaced, say); keep asking.
    if ((exited !== undefined && exited !== 'exit status 0') || Date.now() > deadline) {
      const tail = (await readFile(layout.agentLog, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      const why = exited === undefined ? `did not answer within ${startTimeoutMs} ms` : `exited at start (${exited})`;
      throw new Error(`the local agent ${why}; its log ${layout.agentLog} ends with:\n${tail}`);
    }
    await sleep(pause);
  }
}
