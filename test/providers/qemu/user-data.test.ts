import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { layoutFor, machineFiles, type QemuLayout } from '../../../providers/qemu/layout.js';
import { createMachineDir, type MachineRecord } from '../../../providers/qemu/machine-record.js';
import { keepUserData, readQemuUserData } from '../../../providers/qemu/user-data.js';
import { ErrorCode, errorCodeOf, generateSshKeyPair, machineUserData, proofFromUserData } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const environment = { name: 'prod', uuid: '6f0c1a52-8f43-4cf5-9d7e-1b0a4c3e2d10' };
const stranger = { name: 'other', uuid: '0b8f3e1c-2d4a-4e6f-8a9b-1c2d3e4f5a6b' };
const id = 'qemu-0123456789ab';

function record(instanceId: string, environmentUuid = environment.uuid): MachineRecord {
  return {
    id: instanceId, environmentUuid, machineId: '2', tags: { 'envboot-environment-uuid': environmentUuid }, zone: 'qemu-a',
    hardware: { arch: 'amd64' }, accel: 'tcg', ssh: { host: '127.0.0.1', port: 40222 }, createdAt: '2026-01-02T03:04:05.000Z',
  };
}

async function layout(): Promise<QemuLayout> {
  return layoutFor(path.join(await tempDir('envboot-qemu-user-data-'), 'provider'));
}

/** A machine's files as `startMachine` leaves them before QEMU runs: record and kept user-data, no VM. */
async function standIn(where: QemuLayout, userData: Uint8Array, instanceId = id, owner = environment.uuid): Promise<void> {
  await createMachineDir(where, record(instanceId, owner));
  await keepUserData({ files: machineFiles(where, instanceId), userData });
}

describe('qemu user-data ability', () => {
  const client = generateSshKeyPair({ comment: 'qemu-user-data' });
  const made = machineUserData({ clientPublicKey: client.publicKey, machineId: '2', capabilities: { maxUserDataBytes: 1_048_576, userDataGzip: true } });

  it('gives back the user-data the machine was started with, byte for byte, from a 0600 copy beside its seed', async () => {
    const where = await layout();
    await standIn(where, made.userData);
    assert.equal(statSync(machineFiles(where, id).userData).mode & 0o777, 0o600);
    const read = await readQemuUserData({ layout: where, environment, id });
    assert.deepEqual(read, new Uint8Array(made.userData));
    assert.deepEqual(proofFromUserData(read), { hostKeys: [made.hostKey.publicKey.trim()], nonce: made.nonce });
  });

  it("is undefined for another environment's machine, an unknown or malformed id, and a machine whose copy is gone", async () => {
    const where = await layout();
    await standIn(where, made.userData);
    await standIn(where, made.userData, 'qemu-ffffffffffff', stranger.uuid);
    assert.equal(await readQemuUserData({ layout: where, environment, id: 'qemu-ffffffffffff' }), undefined);
    assert.equal(await readQemuUserData({ layout: where, environment, id: 'qemu-aaaaaaaaaaaa' }), undefined);
    assert.equal(await readQemuUserData({ layout: where, environment, id: `../${id}` }), undefined);
    await rm(machineFiles(where, id).userData);
    assert.equal(await readQemuUserData({ layout: where, environment, id }), undefined);
  });

  it('never overwrites a kept copy, and an aborted signal is CANCELLED', async () => {
    const where = await layout();
    await standIn(where, made.userData);
    await assert.rejects(keepUserData({ files: machineFiles(where, id), userData: Buffer.from('#cloud-config\n') }), { code: 'EEXIST' });
    await assert.rejects(readQemuUserData({ layout: where, environment, id, signal: AbortSignal.abort() }), (error) => errorCodeOf(error) === ErrorCode.Cancelled);
  });
});
