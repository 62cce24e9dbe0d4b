import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { sandboxIds } from '../../../../providers/local/agent/sandbox-ids.js';
import { planMounts, type MountOp } from '../../../../providers/local/agent/sandbox-plan.js';
import { execInMachine, killHolder, startHolder, type Holder } from '../../../../providers/local/agent/sandbox.js';
import { setupScript } from '../../../../providers/local/agent/setup-script.js';
import { removeTree } from '../../../../providers/local/remove-tree.js';
import { requireTool } from '../../../helpers/require-tool.js';

export interface TestSandbox {
  readonly dir: string;
  readonly script: string;
  readonly fsDir: string;
  /** Starts a machine on `fsDir` (the plan's mounts unless given); killed when the test ends. */
  start(options?: { mounts?: readonly MountOp[]; hide?: readonly string[]; script?: string }): Promise<Holder>;
}

/**
 * A scratch directory with the setup script in it, for machines the test starts; they
 * are killed, and the directory removed, when the test ends. Undefined (the test skipped)
 * where util-linux is missing.
 */
export async function testSandbox(t: TestContext, fsPath = 'fs'): Promise<TestSandbox | undefined> {
  if (['unshare', 'nsenter', 'setpriv'].some((tool) => requireTool(t, tool) === undefined)) return undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'envboot-local-sandbox-'));
  const holders: Holder[] = [];
  t.after(async () => {
    await Promise.all(holders.map((holder) => killHolder(holder)));
    await removeTree(dir);
  });
  const script = path.join(dir, 'setup.sh');
  const fsDir = path.join(dir, fsPath);
  await writeFile(script, setupScript);
  await mkdir(fsDir, { recursive: true });
  return {
    dir,
    script,
    fsDir,
    start: async (options = {}) => {
      if (options.script !== undefined) await writeFile(script, options.script);
      const holder = await startHolder({
        setupScript: script,
        fsDir,
        baseDir: path.join(dir, 'base'),
        hostname: 'machine-1',
        ids: sandboxIds({ dataDir: dir, privileged: process.getuid?.() === 0 }),
        mounts: options.mounts ?? planMounts({ fsDir, hide: options.hide ?? [dir] }),
      });
      holders.push(holder);
      return holder;
    },
  };
}

/** Runs `command` in the machine; its exit status (or signal) and output, both streams together. */
export function runInMachine(holder: Holder, command: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = execInMachine(holder, command, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => { resolve({ code, signal, out }); }));
}
