import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import { describe, it } from 'node:test';
import { machineFiles, layoutFor } from '../../../providers/qemu/layout.js';
import { launchMachine, QemuStartError } from '../../../providers/qemu/launch-machine.js';
import { candidatePort } from '../../../providers/qemu/loopback-port.js';
import { endProcess, isMachineQemu } from '../../../providers/qemu/qemu-process.js';
import { ErrorCode, isCancelled } from '../../../src/index.js';
import { requireTool } from '../../helpers/require-tool.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * QEMU with no machine at all (`-machine none`): it daemonizes, writes its pid file and
 * binds its SSH forward as a real machine's does, and runs no guest, so it costs nothing.
 */
function emptyQemu(pidFile: string, extra: readonly string[] = []): (ssh: { host: string; port: number }) => string[] {
  return (ssh) => [
    '-machine', 'none', '-nodefaults', '-no-user-config', '-display', 'none', ...extra,
    '-netdev', `user,id=net0,restrict=on,hostfwd=tcp:${ssh.host}:${ssh.port}-:22`,
    '-daemonize', '-pidfile', pidFile,
  ];
}

async function files(): Promise<ReturnType<typeof machineFiles>> {
  const found = machineFiles(layoutFor(await tempDir('envboot-qemu-launch-')), 'qemu-0123456789ab');
  await mkdir(found.dir, { recursive: true });
  return found;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { resolve(false); });
  });
}

describe('launchMachine', () => {
  it('returns once QEMU has daemonized, with its checked pid, and retries a port someone else took', async (t) => {
    const qemu = requireTool(t, 'qemu-system-x86_64', 'the launch runs QEMU');
    if (qemu === undefined) return;
    const where = await files();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => { squatter.listen(0, '127.0.0.1', resolve); });
    t.after(() => { squatter.close(); });
    const taken = (squatter.address() as net.AddressInfo).port;
    const offered: number[] = [];
    const pickPort = async (): Promise<number> => {
      const port = offered.length === 0 ? taken : await candidatePort();
      offered.push(port);
      return port;
    };
    const launched = await launchMachine({ qemu, args: emptyQemu(where.pidFile), files: where, pickPort });
    t.after(() => endProcess(launched.process));
    assert.equal(offered.length, 2, 'the taken port was given up for another');
    assert.deepEqual(launched.ssh, { host: '127.0.0.1', port: offered[1] });
    assert.equal(isMachineQemu(launched.process.pid, where), true);
    assert.equal(await listening(launched.ssh.port), true, 'QEMU holds the forward');
    assert.equal(await endProcess(launched.process), true);
    assert.equal(await listening(launched.ssh.port), false);
  });

  it("fails with QEMU's own words when QEMU refuses to start", async (t) => {
    const qemu = requireTool(t, 'qemu-system-x86_64', 'the launch runs QEMU');
    if (qemu === undefined) return;
    const where = await files();
    await assert.rejects(launchMachine({ qemu, args: emptyQemu(where.pidFile, ['-m', 'lots']), files: where }), (error: unknown) => {
      assert.ok(error instanceof QemuStartError);
      assert.equal(error.code, ErrorCode.InstanceFailed);
      assert.match(error.message, /^QEMU failed to start the machine: .*lots/);
      return true;
    });
  });

  it('is cancelled by its signal, leaving no QEMU', async (t) => {
    const qemu = requireTool(t, 'qemu-system-x86_64', 'the launch runs QEMU');
    if (qemu === undefined) return;
    const where = await files();
    await assert.rejects(launchMachine({ qemu, args: emptyQemu(where.pidFile), files: where, signal: AbortSignal.abort() }), isCancelled);
    assert.equal(existsSync(where.pidFile), false);
  });
});
