import { throwIfCancelled, type EnvironmentIdentity, type PlanStartParams, type PlannedCall, type PlannedResource, type ProviderPlan } from '../../src/index.js';
import { AgentClient, AgentUnreachableError } from './agent-client.js';
import { readAgentInfo } from './agent-launcher.js';
import type { LocalConfig } from './config.js';
import type { LocalLayout } from './layout.js';

export interface PlanLocalStartParams {
  readonly start: PlanStartParams;
  readonly layout: LocalLayout;
  readonly config: LocalConfig;
  readonly environment: EnvironmentIdentity;
}

/**
 * The local provider's plan of a start, without starting the agent or writing a file: the
 * agent that would serve the machine (the running one, asked for its health over its
 * socket, or one the start would launch), where the machine's files and provider-state
 * would be kept, and the agent calls of the real run.
 */
export async function planLocalStart(params: PlanLocalStartParams): Promise<ProviderPlan> {
  const { start, layout } = params;
  throwIfCancelled(start.signal, 'planning a local machine');
  const agentPid = await runningAgent(layout, start.signal);
  const agent: PlannedResource = agentPid === undefined
    ? { kind: 'agent', name: `of ${params.environment.name}`, action: 'create', detail: `a process on this host that serves the machines, its data in ${layout.dataDir}` }
    : { kind: 'agent', name: `of ${params.environment.name}`, action: 'reuse', detail: `running as pid ${String(agentPid)}` };
  const calls: PlannedCall[] = [];
  const call = (step: PlannedCall['step'], action: string, purpose: string, writes: boolean): void => {
    calls.push({ step, action, purpose, writes });
  };
  if (start.bootstrap) call('preflight', 'host:unshare', 'probe user, mount and PID namespaces in a temporary directory (removed)', false);
  if (!start.bootstrap) call('preflight', 'agent:list', 'count the machines per zone, to spread', false);
  if (start.bootstrap) call('claim', 'file:write', `create provider-state in ${layout.storage}`, true);
  if (!start.bootstrap) call('reserve-ids', 'file:write', 'reserve the machine ids in provider-state', true);
  if (agentPid === undefined) call(start.bootstrap ? 'prepare' : 'start-instance', 'host:spawn', 'start the local agent (a detached process)', true);
  const [first] = start.zones;
  call('start-instance', 'agent:start', `make machine ${start.machineId}'s sandbox${first === undefined ? '' : ` in ${first}`}`, true);
  call('record-state', 'file:write', `record machine ${start.machineId} in provider-state`, true);
  call('wait-ssh', 'agent:list', "read the machine's loopback addresses until SSH answers", false);
  if (start.bootstrap) call('complete', 'file:write', 'mark the bootstrap complete', true);
  return {
    image: { id: 'host', description: "this host's system, seen through the machine's own overlay", source: 'local machines share the host they run on' },
    network: { description: 'loopback addresses of this host, an embedded SSH server per machine' },
    resources: [agent],
    calls,
    notes: [`zones are labels (${params.config.zones.join(', ')}); machines and provider-state are kept under ${layout.dataDir}`],
  };
}

/** The pid of the environment's running agent, asked over the socket its `agent.json` names; nothing is started or made. */
async function runningAgent(layout: LocalLayout, signal: AbortSignal | undefined): Promise<number | undefined> {
  const info = await readAgentInfo(layout);
  if (info === undefined) return undefined;
  try {
    const health = await new AgentClient(info.socketPath).health(signal);
    return health.dataDir === layout.dataDir ? health.pid : undefined;
  } catch (error) {
    if (error instanceof AgentUnreachableError) return undefined;
    throw error;
  }
}
