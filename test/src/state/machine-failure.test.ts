import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../../storage/index.js';
import {
  RemoteCommandError,
  addStateInstance,
  failureFromError,
  forgetMachines,
  loadState,
  machineRecords,
  recordMachine,
  recordMachineFailure,
  stateObjectName,
  type RecordedFailure,
} from '../../../src/index.js';

const failure: RecordedFailure = { phase: 'configure', code: 'REMOTE_COMMAND_FAILED', message: 'the script exited with status 3', at: '2024-05-01T10:00:00.000Z' };
const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample envboot-machine-1';

/** provider-state with machine 1 on instance i-1, and fields this envboot does not know, at the top and in the machine. */
async function storageWithMachine(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  const body = [
    'future-field: {nested: [1, 2]}',
    'machines:',
    "  '1': {instance-id: i-1, zone: z-a, host-keys: ['" + hostKey + "'], future-key: kept}",
    'state-instances: [i-0]',
    '',
  ].join('\n');
  await storage.put({ key: stateObjectName, body });
  return storage;
}

async function text(storage: MemoryStorage): Promise<string> {
  return Buffer.from((await storage.get({ key: stateObjectName })).body).toString();
}

describe('a machine failure in provider-state', () => {
  it('is written into the machine mapping and read back with its record, keeping every field it did not know', async () => {
    const storage = await storageWithMachine();
    assert.equal(await recordMachineFailure({ storage, machineId: '1', instanceId: 'i-1', failure }), true);
    const { state } = await loadState({ storage });
    assert.deepEqual(machineRecords(state), [{ id: '1', instanceId: 'i-1', zone: 'z-a', hostKeys: [hostKey], failure }]);
    assert.deepEqual(state.fields['future-field'], { nested: [1, 2] });
    assert.equal((state.fields['machines'] as Record<string, Record<string, unknown>>)['1']?.['future-key'], 'kept');
    assert.match(
      await text(storage),
      /^ {2}'1':\n {4}failure:\n {6}at: '2024-05-01T10:00:00.000Z'\n {6}code: REMOTE_COMMAND_FAILED\n {6}message: the script exited with status 3\n {6}phase: configure\n/m,
    );
  });

  it('is not written for a machine provider-state does not record, nor over a record of another instance', async () => {
    const storage = await storageWithMachine();
    const before = (await storage.get({ key: stateObjectName })).version;
    assert.equal(await recordMachineFailure({ storage, machineId: '2', instanceId: 'i-2', failure }), false);
    assert.equal(await recordMachineFailure({ storage, machineId: '1', instanceId: 'i-other', failure }), false);
    assert.equal((await storage.get({ key: stateObjectName })).version, before, 'nothing was written');
  });

  it('survives what an older envboot does to the document, and goes with its machine', async () => {
    const storage = await storageWithMachine();
    await recordMachineFailure({ storage, machineId: '1', instanceId: 'i-1', failure });
    // The calls an envboot from before failures makes: they keep what they do not know.
    await addStateInstance({ storage, instanceId: 'i-9' });
    await recordMachine({ storage, machine: { id: '2', instanceId: 'i-2', hostKeys: [] } });
    assert.deepEqual(machineRecords((await loadState({ storage })).state).map((m) => [m.id, m.failure?.phase]), [['1', 'configure'], ['2', undefined]]);
    await forgetMachines({ storage, instanceIds: ['i-1'] });
    assert.deepEqual(machineRecords((await loadState({ storage })).state).map((m) => m.id), ['2']);
  });

  it('reads a failure that is not a mapping, or lacks a phase, as none; strings as they are stored', async () => {
    const storage = new MemoryStorage();
    const body = [
      'machines:',
      "  '1': {instance-id: i-1, host-keys: [], failure: broken}",
      "  '2': {instance-id: i-2, host-keys: [], failure: {code: X}}",
      "  '3': {instance-id: i-3, host-keys: [], failure: {phase: \"wait-ssh\\e[2J\", code: 7}}",
      '',
    ].join('\n');
    await storage.put({ key: stateObjectName, body });
    const records = machineRecords((await loadState({ storage })).state);
    assert.deepEqual(records.map((m) => m.failure), [undefined, undefined, { phase: 'wait-ssh\u001b[2J', code: 'UNKNOWN', message: '', at: '' }]);
  });
});

describe('failureFromError', () => {
  const at = (): Date => new Date('2024-05-01T10:00:00.000Z');

  it('keeps the code, the time and a one-line printable message', () => {
    const error = new RemoteCommandError('configuring 127.1.0.2:22 failed: the script exited with status 3; last 2 lines of output:\n  \u001b[2Jboom\n  exit 3');
    assert.deepEqual(failureFromError({ phase: 'configure', error, now: at }), {
      phase: 'configure',
      code: 'REMOTE_COMMAND_FAILED',
      message: 'configuring 127.1.0.2:22 failed: the script exited with status 3; last 2 lines of output: | \\x1b[2Jboom | exit 3',
      at: '2024-05-01T10:00:00.000Z',
    });
    assert.deepEqual(failureFromError({ phase: 'wait-ssh', error: 'thrown text', machineId: '0', now: at }), {
      phase: 'wait-ssh',
      code: 'UNKNOWN',
      message: 'thrown text',
      at: '2024-05-01T10:00:00.000Z',
      machineId: '0',
    });
  });

  it('cuts a long message to 300 characters, keeping what failed and the last lines of output', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `  output line ${i}`);
    const error = new RemoteCommandError(`configuring 127.1.0.2:22 failed: the script exited with status 1; last 200 lines of output:\n${lines.join('\n')}`);
    const { message } = failureFromError({ phase: 'configure', error, now: at });
    assert.ok(message.length <= 300, `${message.length} characters`);
    assert.match(message, /^configuring 127\.1\.0\.2:22 failed: the script exited with status 1; last 200 lines of output: \| … \| output line \d+ \| .*output line 199$/);
    const single = failureFromError({ phase: 'configure', error: new Error('x'.repeat(1000)), now: at }).message;
    assert.equal(single.length, 301);
    assert.ok(single.endsWith('…'));
  });
});
