import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  connectSsh,
  ErrorCode,
  errorCodeOf,
  generateSshKeyPair,
  isCancelled,
  isTimeout,
  isZoneIndependent,
  machineTags,
} from '../../../src/index.js';
import { AgentClient, AgentUnreachableError } from '../../../providers/local/agent-client.js';
import { applyUserData } from '../../../providers/local/agent/first-boot.js';
import { saveRecord, type MachineRecord } from '../../../providers/local/agent/machine-record.js';
import { MachineSsh } from '../../../providers/local/agent/machine-ssh.js';
import { planMounts } from '../../../providers/local/agent/sandbox-plan.js';
import { sandboxIds } from '../../../providers/local/agent/sandbox-ids.js';
import { killHolder, startHolder, type Holder } from '../../../providers/local/agent/sandbox.js';
import { setupScript } from '../../../providers/local/agent/setup-script.js';
import { layoutFor, machineDir } from '../../../providers/local/layout.js';
import { removeTree } from '../../../providers/local/remove-tree.js';
import { isRunning, processesMentioning } from '../../helpers/processes.js';
import { requireTool } from '../../helpers/require-tool.js';
import { client, holderPid, machineUserData, openEnvironment, run, serveMachineSsh, waitUntilBooted } from './fixtures.js';

async function scratchDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => removeTree(dir));
  return dir;
}

/** An HTTP server on a Unix socket in a scratch directory, answering with `handler`; closed when the test ends. */
async function fakeAgent(t: TestContext, handler: http.RequestListener): Promise<string> {
  const socketPath = path.join(await scratchDir(t, 'envboot-local-fake-agent-'), 'agent.sock');
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => { resolve(); }));
  });
  return socketPath;
}

describe('local provider robustness', () => {
  it('boots a machine whose user-data leaves a background process holding the output, and stops it promptly leaving no process', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-background-' });
    if (opened === undefined) return;
    const { environ, dataDir } = opened;
    // A duration no other process has, so that its process can be found on the host.
    const sleeper = `sleep 300.${randomInt(100_000, 999_999)}`;
    const secrets = machineUserData({ runcmd: [`${sleeper} &`] });
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags: machineTags(environ.environment, '0') });
    const booted = await waitUntilBooted(environ, instance.id);
    assert.equal(booted.status, 'running', booted.statusMessage);
    const [address] = booted.addresses;
    assert.ok(address !== undefined);
    assert.deepEqual(await run(address, secrets.hostKey, 'cat /var/lib/envboot/nonce'), { code: 0, out: secrets.nonce });
    assert.notDeepEqual(processesMentioning(sleeper), [], 'the background process is not running');
    const holder = await holderPid(dataDir, instance.id);

    const started = Date.now();
    await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
    assert.ok(Date.now() - started < 5_000, `stopping took ${Date.now() - started} ms`);
    assert.deepEqual(processesMentioning(sleeper), [], 'the background process survived the stop');
    assert.equal(isRunning(holder), false, 'the sandbox survived the stop');
    assert.deepEqual(await environ.allInstances({}), []);
  });

  it('applies user-data whose console log cannot be written, and settles on the script exit while a background process holds its output', async (t) => {
    if (requireTool(t, 'unshare') === undefined || requireTool(t, 'nsenter') === undefined) return;
    const dir = await scratchDir(t, 'envboot-local-first-boot-');
    const fsDir = path.join(dir, 'fs');
    await mkdir(fsDir);
    await writeFile(path.join(dir, 'setup.sh'), setupScript);
    let holder: Holder;
    try {
      holder = await startHolder({ setupScript: path.join(dir, 'setup.sh'), fsDir, baseDir: path.join(dir, 'base'), hostname: 'm', ids: sandboxIds({ dataDir: dir, privileged: process.getuid?.() === 0 }), mounts: planMounts({ fsDir, hide: [dir] }) });
    } catch (error) {
      if (process.env['CI'] === 'true') throw error;
      t.skip(`no sandboxes on this host: ${(error as Error).message}`);
      return;
    }
    t.after(() => killHolder(holder));
    const started = Date.now();
    await applyUserData({
      holder,
      config: { runcmd: ['echo configured', 'sleep 300 &'] },
      consoleLog: path.join(dir, 'missing', 'console.log'),
      signal: new AbortController().signal,
    });
    assert.ok(Date.now() - started < 5_000, `applying took ${Date.now() - started} ms`);
    await assert.rejects(
      applyUserData({ holder, config: { runcmd: ['sleep 300 &', 'echo broken; exit 4'] }, consoleLog: path.join(dir, 'console.log'), signal: new AbortController().signal }),
      { name: 'BootError', message: /failed with exit status 4: .*broken/ },
    );
  });

  it('fails an SSH exec that cannot start on its channel alone: exit status 127 and the reason, the connection goes on', async (t) => {
    const hostKey = generateSshKeyPair();
    const ssh = new MachineSsh({
      hostKey: hostKey.privateKey,
      authorizedKeys: [client.publicKey],
      run: (command) => {
        if (command.startsWith('stopping')) throw new Error('the machine is stopped');
        return spawn('/bin/sh', ['-c', command], { detached: true });
      },
    });
    const port = await serveMachineSsh(t, ssh);
    const connection = await connectSsh({ host: '127.0.0.1', port, user: 'root', privateKey: client.privateKey, hostKeys: [hostKey.publicKey] });
    try {
      const refused = await connection.exec({ command: 'stopping now' });
      assert.equal(refused.exitCode, 127);
      assert.match(refused.stderr.toString(), /cannot run the command: the machine is stopped/);
      const nul = await connection.exec({ command: 'echo a\0b' });
      assert.equal(nul.exitCode, 127);
      assert.match(nul.stderr.toString(), /cannot run the command/);
      const ok = await connection.exec({ command: 'echo still here' });
      assert.deepEqual({ code: ok.exitCode, out: ok.stdout.toString() }, { code: 0, out: 'still here\n' });
    } finally {
      connection.close();
    }
  });

  it('removes the temporary record (it holds the host key) when saving fails', async (t) => {
    const layout = layoutFor(await scratchDir(t, 'envboot-local-record-'));
    const id = 'local-0123abcd';
    // A directory where the record goes: the final rename fails.
    await mkdir(path.join(machineDir(layout, id), 'machine.json', 'occupied'), { recursive: true });
    const record: MachineRecord = {
      version: 1,
      id,
      environmentUuid: 'uuid',
      tags: {},
      zone: 'local-a',
      createdAt: new Date().toISOString(),
      status: 'pending',
      addresses: [],
      hostPrivateKey: 'secret',
      authorizedKeys: [],
      firstBootDone: false,
      bootDelayMs: 0,
    };
    await assert.rejects(saveRecord(layout, record));
    assert.deepEqual(await readdir(machineDir(layout, id)), ['machine.json']);
  });

  it('gives up on an agent that does not answer, with TIMEOUT naming its socket and what to do', async (t) => {
    const socketPath = await fakeAgent(t, () => undefined);
    const agent = new AgentClient(socketPath, { timeoutsMs: { health: 100, start: 100 } });
    const started = Date.now();
    await assert.rejects(agent.health(), (error: unknown) => {
      assert.ok(isTimeout(error), String(error));
      assert.match((error as Error).message, new RegExp(`the local agent at ${socketPath} did not answer GET /v1/health within 0\\.1 s; it may be stuck: kill it`));
      return true;
    });
    assert.ok(Date.now() - started < 2_000);
    // A start that timed out may have started the machine: no other zone may try again.
    await assert.rejects(
      agent.start({ environmentUuid: 'u', machineId: '0', zones: ['local-a'], tags: {}, userData: '', bootDelayMs: 0 }),
      (error: unknown) => isTimeout(error) && isZoneIndependent(error),
    );
    const controller = new AbortController();
    const health = new AgentClient(socketPath).health(controller.signal);
    controller.abort();
    await assert.rejects(health, isCancelled);
  });

  it('gives every agent failure a stable code, keeping the cause', async (t) => {
    const failing = await fakeAgent(t, (_request, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'AGENT_ERROR', message: 'disk full' } }));
    });
    await assert.rejects(new AgentClient(failing).list(), (error: unknown) => {
      assert.equal(errorCodeOf(error), ErrorCode.RemoteCommandFailed);
      assert.match((error as Error).message, /the local agent failed: disk full/);
      return true;
    });
    const garbled = await fakeAgent(t, (_request, response) => { response.end('not json'); });
    await assert.rejects(new AgentClient(garbled).list(), (error: unknown) => {
      assert.equal(errorCodeOf(error), ErrorCode.RemoteCommandFailed);
      assert.match((error as Error).message, /gave an unreadable answer to \/v1\/machines/);
      assert.ok((error as Error).cause instanceof SyntaxError);
      return true;
    });
    const nobody = path.join(await scratchDir(t, 'envboot-local-no-agent-'), 'agent.sock');
    await assert.rejects(new AgentClient(nobody).health(), (error: unknown) => {
      assert.ok(error instanceof AgentUnreachableError);
      assert.equal(errorCodeOf(error), ErrorCode.SshUnreachable);
      assert.equal(errorCodeOf(error.cause), 'ENOENT');
      return true;
    });
  });
});
