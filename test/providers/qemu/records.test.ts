import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { layoutFor, machineFiles, type QemuLayout } from '../../../providers/qemu/layout.js';
import { createMachineDir, readRecord, readRecords, type MachineRecord } from '../../../providers/qemu/machine-record.js';
import { endProcess, isMachineQemu, machineProcess, startTimeOf } from '../../../providers/qemu/qemu-process.js';
import { NotOwnedError, removeMachine } from '../../../providers/qemu/remove-machine.js';
import { tempDir } from '../../helpers/temp-dir.js';

const uuid = '6f0c1a52-8f43-4cf5-9d7e-1b0a4c3e2d10';

function record(id: string, environmentUuid = uuid): MachineRecord {
  return {
    id, environmentUuid, machineId: '0', tags: { 'envboot-environment-uuid': environmentUuid }, zone: 'qemu-a',
    hardware: { arch: 'amd64' }, accel: 'tcg', ssh: { host: '127.0.0.1', port: 40222 }, createdAt: '2026-01-02T03:04:05.000Z',
  };
}

/**
 * A stand-in for a machine's QEMU that costs nothing: a node process whose argv looks like
 * QEMU's (argv[0] qemu-system-…, `-pidfile <the machine's pid file>`). Killed when the test ends.
 */
function fakeQemu(t: TestContext, pidFile: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '-pidfile', pidFile], { argv0: 'qemu-system-x86_64', stdio: 'ignore' });
  t.after(() => { child.kill('SIGKILL'); });
  return child;
}

async function layout(): Promise<QemuLayout> {
  return layoutFor(path.join(await tempDir('envboot-qemu-records-'), 'provider'));
}

describe('qemu machine records', () => {
  it('are 0600 files in 0700 directories, down from the data directory', async () => {
    const where = await layout();
    await createMachineDir(where, record('qemu-0123456789ab'));
    const files = machineFiles(where, 'qemu-0123456789ab');
    const modes = [where.dataDir, where.machines, files.dir, files.record].map((file) => statSync(file).mode & 0o777);
    assert.deepEqual(modes, [0o700, 0o700, 0o700, 0o600]);
    assert.deepEqual(await readRecord(where, 'qemu-0123456789ab'), record('qemu-0123456789ab'));
  });

  it('are read only for instance ids, and a directory without a readable record is no machine', async () => {
    const where = await layout();
    await createMachineDir(where, record('qemu-0123456789ab'));
    await mkdir(path.join(where.machines, 'qemu-aaaaaaaaaaaa'));
    await writeFile(path.join(where.machines, 'notes.txt'), 'x');
    await mkdir(path.join(where.machines, 'qemu-bbbbbbbbbbbb'));
    await writeFile(path.join(where.machines, 'qemu-bbbbbbbbbbbb', 'machine.json'), '{"id": "qemu-cccccccccccc"}');
    assert.deepEqual((await readRecords(where)).map((r) => r.id), ['qemu-0123456789ab']);
    assert.equal(await readRecord(where, '../provider/machines/qemu-0123456789ab'), undefined);
  });
});

describe('qemu process identity', () => {
  it('finds the machine\'s QEMU from its record or its pid file, and nothing with another pid file or a reused pid', async (t) => {
    const where = await layout();
    const files = machineFiles(where, 'qemu-0123456789ab');
    await createMachineDir(where, record('qemu-0123456789ab'));
    const child = fakeQemu(t, files.pidFile);
    const pid = child.pid ?? 0;
    const other = fakeQemu(t, machineFiles(where, 'qemu-ffffffffffff').pidFile);
    // Until it has exec'd, the child still shows the test's own argv.
    const startTime = await waitFor(() => (isMachineQemu(pid, files) && isMachineQemu(other.pid ?? 0, machineFiles(where, 'qemu-ffffffffffff')) ? startTimeOf(pid) : undefined));
    assert.equal(isMachineQemu(pid, files), true);
    assert.equal(isMachineQemu(other.pid ?? 0, files), false, 'another machine\'s QEMU');
    assert.equal(isMachineQemu(process.pid, files), false, 'not a QEMU at all');
    assert.deepEqual(machineProcess({ process: { pid, startTime } }, files), { pid, startTime });
    assert.equal(machineProcess({ process: { pid, startTime: startTime - 1 } }, files), undefined, 'same pid, another start time: a reused pid');
    assert.equal(machineProcess({}, files), undefined, 'no record of it, no pid file');
    const otherStart = startTimeOf(other.pid ?? 0) ?? 0;
    assert.deepEqual(
      machineProcess({ process: { pid: other.pid ?? 0, startTime: otherStart } }, files),
      { pid: other.pid, startTime: otherStart },
      'a recorded pid and start time are trusted whatever its argv says (the data directory spelled another way)',
    );
    await writeFile(files.pidFile, `${pid}\n`);
    assert.deepEqual(machineProcess({}, files), { pid, startTime }, 'found from the pid file QEMU wrote');
    assert.equal(await endProcess({ pid, startTime }), true);
    assert.equal(startTimeOf(pid), undefined);
  });

  it('removes a machine: ends its QEMU, deletes its directory, and is idempotent', async (t) => {
    const where = await layout();
    const files = machineFiles(where, 'qemu-0123456789ab');
    await createMachineDir(where, record('qemu-0123456789ab'));
    const pid = fakeQemu(t, files.pidFile).pid ?? 0;
    await waitFor(() => (isMachineQemu(pid, files) ? true : undefined));
    await writeFile(files.pidFile, `${pid}\n`);
    assert.equal(await removeMachine({ layout: where, id: 'qemu-0123456789ab', environmentUuid: uuid }), 'removed');
    assert.equal(startTimeOf(pid), undefined, 'QEMU ended');
    assert.equal(existsSync(files.dir), false);
    assert.equal(await removeMachine({ layout: where, id: 'qemu-0123456789ab', environmentUuid: uuid }), 'absent');
  });

  it("never touches another environment's machine", async (t) => {
    const where = await layout();
    const files = machineFiles(where, 'qemu-0123456789ab');
    await createMachineDir(where, record('qemu-0123456789ab', 'another-environment'));
    const pid = fakeQemu(t, files.pidFile).pid ?? 0;
    await waitFor(() => (isMachineQemu(pid, files) ? true : undefined));
    await writeFile(files.pidFile, `${pid}\n`);
    await assert.rejects(removeMachine({ layout: where, id: 'qemu-0123456789ab', environmentUuid: uuid }), NotOwnedError);
    assert.notEqual(startTimeOf(pid), undefined, 'its QEMU still runs');
    assert.ok(existsSync(files.record));
  });
});

async function waitFor<T>(read: () => T | undefined): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}
