import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome, collect, finalResult, jsonLines } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

const bootDelayMs = 2_000;
const environments = `environments:\n  crash:\n    provider: local\n    options:\n      boot-delay: ${bootDelayMs}ms\n`;

interface AgentInfo {
  readonly pid: number;
  readonly startedAt: string;
}

async function agentInfo(dataDir: string): Promise<AgentInfo | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'agent.json'), 'utf8')) as AgentInfo;
  } catch {
    return undefined;
  }
}

/** The agent that replaced `old`: whoever needs the agent next starts it (here the bootstrap's own instance refresh). */
async function successorOf(dataDir: string, old: number): Promise<AgentInfo> {
  for (const start = Date.now(); Date.now() - start < 15_000; ) {
    const info = await agentInfo(dataDir);
    if (info !== undefined && info.pid !== old) return info;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return assert.fail('no new agent took over within 15 s');
}

function waitEvent(event: Record<string, unknown>): Record<string, unknown> | undefined {
  return event['type'] === 'wait-ssh' ? (event['event'] as Record<string, unknown>) : undefined;
}

describe('a local agent killed during a machine\'s first boot', () => {
  it('bootstrap notices the dropped connection, finds the machine once the new agent has it, and destroy leaves nothing', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-agent-crash-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', environments);
    // --timeout: a wait that never notices fails in a minute, not after waitSSH's ten.
    const bootstrap = cli.start(['bootstrap', 'crash', '--json', '--timeout', '60s']);
    const done = collect(bootstrap);
    // The machine's SSH server answers and the nonce is being waited for: first boot is under way.
    await waitForEvent(bootstrap, (e) => waitEvent(e)?.['reason'] === 'no-nonce-yet');
    const dataDir = path.join(cli.environmentDir('crash'), 'provider');
    const old = await agentInfo(dataDir);
    assert.ok(old !== undefined, 'the agent wrote agent.json');
    process.kill(old.pid, 'SIGKILL');
    const killedAt = Date.now();
    const successor = await successorOf(dataDir, old.pid);
    const run = await done;
    const endedAt = Date.now();

    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout.split('\n').slice(-5).join('\n')}`);
    assert.equal(finalResult(run)['ok'], true);
    const events = jsonLines(run).map(waitEvent).filter((e) => e !== undefined);
    assert.ok(events.some((e) => e['type'] === 'wait-ssh.attempt-failed' && e['reason'] === 'connection-lost'), 'the wait saw its connection drop');
    // The new agent boots the machine again (boot delay, then its user-data); the wait finds it right after.
    const afterTakeoverMs = endedAt - Date.parse(successor.startedAt);
    t.diagnostic(`new agent ${Date.parse(successor.startedAt) - killedAt} ms after the kill; bootstrap done ${afterTakeoverMs} ms after the new agent started`);
    assert.ok(afterTakeoverMs < bootDelayMs + 5_000, `bootstrap ended ${afterTakeoverMs} ms after the new agent started`);

    const destroyed = await cli.run(['destroy', 'crash', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });

});
