import { closeSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { layoutFor, type LocalLayout } from '../layout.js';
import type { AgentInfo } from '../protocol.js';
import { createAgentServer } from './agent-server.js';
import { Fleet } from './fleet.js';
import { setupScript } from './setup-script.js';

/**
 * The local provider's agent: one detached process per environment that owns the
 * machines (their sandboxes and SSH servers) so that they outlive the CLI. Started by
 * `agent-launcher.ts` as `node main.js --data-dir DIR --socket PATH`, with its output
 * going to `<dataDir>/agent.log`. It exits when asked (`POST /v1/shutdown`, after stopping
 * every machine), on SIGTERM (leaving the machines running for the next agent to adopt),
 * or after `--idle-exit-ms` (default 10 minutes) without machines and without requests.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    socket: { type: 'string' },
    'idle-exit-ms': { type: 'string', default: String(10 * 60 * 1000) },
  },
});
const dataDir = values['data-dir'];
const socketPath = values.socket;
if (dataDir === undefined || socketPath === undefined) {
  console.error('usage: main.js --data-dir DIR --socket PATH [--idle-exit-ms N]');
  process.exit(2);
}
const idleExitMs = Number(values['idle-exit-ms']);
process.umask(0o077);
closeInheritedDescriptors();

const layout = layoutFor(dataDir);
const log = (message: string): void => { console.error(`${new Date().toISOString()} [${process.pid}] ${message}`); };

async function main(paths: LocalLayout, socket: string): Promise<void> {
  if (await answers(socket)) {
    log(`another agent already answers on ${socket}; exiting`);
    return;
  }
  await writeFile(paths.setupScript, setupScript, { mode: 0o644 });
  await chmod(paths.setupScript, 0o644);
  await unlink(socket).catch(() => undefined);
  const fleet = new Fleet({ layout: paths, log });
  await fleet.restore();
  let lastActivity = Date.now();
  let closing = false;
  const shutdown = async (why: string): Promise<void> => {
    if (closing) return;
    closing = true;
    log(`shutting down: ${why}`);
    server.close();
    await unlink(socket).catch(() => undefined);
    const info = JSON.parse(await readFile(paths.agentInfo, 'utf8').catch(() => '{}')) as Partial<AgentInfo>;
    if (info.pid === process.pid) await rm(paths.agentInfo, { force: true });
    process.exit(0);
  };
  const server = createAgentServer({
    fleet,
    dataDir: paths.dataDir,
    onShutdown: () => void shutdown('asked to, every machine stopped'),
    onActivity: () => { lastActivity = Date.now(); },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => { resolve(); });
  });
  await chmod(socket, 0o600);
  const info: AgentInfo = { pid: process.pid, socketPath: socket, dataDir: paths.dataDir, startedAt: new Date().toISOString() };
  await writeFile(paths.agentInfo, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  fleet.bootRestored();
  log(`listening on ${socket} with ${fleet.size} machine(s)`);
  setInterval(() => {
    if (fleet.size === 0 && Date.now() - lastActivity >= idleExitMs) void shutdown(`no machines and no requests for ${idleExitMs} ms`);
  }, Math.max(1_000, Math.min(idleExitMs / 4, 60_000))).unref();
  // Nobody can reach or destroy the machines once their directory is gone (removed by hand, or
  // a test's temporary directory): end them rather than leave them running for ever.
  setInterval(() => {
    if (existsSync(paths.dataDir)) return;
    void fleet.stopEverything().then(() => shutdown(`${paths.dataDir} was removed; stopped its machines`));
  }, 2_000).unref();
  process.on('SIGTERM', () => void shutdown('SIGTERM; machines keep running for the next agent'));
  process.on('SIGINT', () => void shutdown('SIGINT; machines keep running for the next agent'));
  process.on('SIGHUP', () => undefined);
}

/**
 * Closes descriptors the agent inherited without close-on-exec (its starter's pipes), so
 * that no machine command inherits them. Node's own descriptors are all close-on-exec.
 */
function closeInheritedDescriptors(): void {
  for (const entry of readdirSync('/proc/self/fd')) {
    const fd = Number(entry);
    if (fd <= 2) continue;
    try {
      const flags = parseInt(/^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);
      if ((flags & 0o2000000) === 0) closeSync(fd);
    } catch {
      // Gone already (the directory listing's own descriptor).
    }
  }
}

/** True when a live agent answers on the socket (a dying one may still accept, but never answers). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath: socket, path: '/v1/health', timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => { request.destroy(); });
    request.on('error', () => { resolve(false); });
  });
}

main(layout, socketPath).catch((error: unknown) => {
  log(`cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
