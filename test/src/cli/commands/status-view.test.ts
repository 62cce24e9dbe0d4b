import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Instance, ProviderState, RecordedFailure } from '../../../../src/index.js';
import { bootstrapJson, failureJson, statusCell, statusNotes } from '../../../../src/cli/commands/status-view.js';
import { bootstrapView, type BootstrapView } from '../../../../src/cli/environment/bootstrap-view.js';
import type { MachineView } from '../../../../src/cli/environment/collect-machines.js';
import { holderForThisProcess } from '../../../../src/util/lock-holder.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const configureFailed: RecordedFailure = {
  phase: 'configure',
  code: 'REMOTE_COMMAND_FAILED',
  message: 'configuring 127.1.0.2:22 failed: the script exited with status 3 | boom',
  at: '2024-05-01T10:00:00.000Z',
};

function instance(id: string, status: Instance['status'] = 'running', statusMessage?: string): Instance {
  return { id, status, addresses: [], tags: {}, ...(statusMessage === undefined ? {} : { statusMessage }) };
}

function machine(id: string, options: { failure?: RecordedFailure; instance?: Instance | undefined; controller?: boolean } = {}): MachineView {
  const instanceId = `i-${id}`;
  return {
    record: { id, instanceId, hostKeys: [], ...(options.failure === undefined ? {} : { failure: options.failure }) },
    instance: 'instance' in options ? options.instance : instance(instanceId),
    controller: options.controller ?? id === '0',
  };
}

const complete: BootstrapView = { status: 'complete' };
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('status says why a machine or the bootstrap is not plainly fine', () => {
  it('a healthy environment: plain statuses, no notes', () => {
    const machines = [machine('0'), machine('1')];
    assert.deepEqual(machines.map((m) => statusCell(m, complete)), ['running', 'running']);
    assert.deepEqual(statusNotes({ name: 'demo', machines, bootstrap: complete }), []);
    assert.deepEqual(statusNotes({ name: 'demo', machines, bootstrap: undefined }), []);
  });

  it('a machine kept after a failure: its phase in the table, the reason in full and the ways out below', () => {
    const machines = [machine('0'), machine('1', { failure: configureFailed })];
    assert.equal(statusCell(machines[1] as MachineView, complete), 'running (configure failed)');
    assert.deepEqual(statusNotes({ name: 'demo', machines, bootstrap: complete }), [
      '',
      'Machine 1: configure failed at 2024-05-01T10:00:00.000Z (REMOTE_COMMAND_FAILED):',
      '    configuring 127.1.0.2:22 failed: the script exited with status 3 | boom',
      '  It was left as it failed: "envboot logs demo 1" shows its logs; "envboot remove-machine demo 1" removes it.',
    ]);
    const interrupted = machine('2', { failure: { ...configureFailed, phase: 'wait-ssh', code: 'CANCELLED' } });
    assert.equal(statusCell(interrupted, complete), 'running (wait-ssh interrupted)');
  });

  it("the provider's message on an instance that is not running, not on one that runs", () => {
    const failed = machine('1', { instance: instance('i-1', 'failed', "the machine's sandbox ended unexpectedly (killed by SIGKILL); stop it and start a new one") });
    assert.equal(statusCell(failed, complete), "failed (the machine's sandbox ended unexpectedly…)");
    assert.deepEqual(statusNotes({ name: 'demo', machines: [failed], bootstrap: complete }), [
      '',
      'Machine 1: the provider says its instance i-1 is failed:',
      "    the machine's sandbox ended unexpectedly (killed by SIGKILL); stop it and start a new one",
      '  "envboot remove-machine demo 1" removes it.',
    ]);
    const chatty = machine('2', { instance: instance('i-2', 'running', 'all good') });
    assert.equal(statusCell(chatty, complete), 'running');
    assert.deepEqual(statusNotes({ name: 'demo', machines: [chatty], bootstrap: complete }), []);
  });

  it('a bootstrap that failed and was kept: one note for it and its controller, with the ways out', () => {
    const controller = machine('0', { failure: configureFailed });
    const bootstrap: BootstrapView = { status: 'failed', failure: { ...configureFailed, machineId: '0' }, startedAt: '2024-05-01T09:59:00.000Z' };
    assert.equal(statusCell(controller, bootstrap), 'running (bootstrap failed; configure failed)');
    assert.deepEqual(statusNotes({ name: 'demo', machines: [controller], bootstrap }), [
      '',
      'Bootstrap failed: configure failed on machine 0 at 2024-05-01T10:00:00.000Z (REMOTE_COMMAND_FAILED):',
      '    configuring 127.1.0.2:22 failed: the script exited with status 3 | boom',
      `  What it made was kept as it failed: "envboot logs demo 0" shows the controller's logs; "envboot bootstrap demo --resume" goes on from where it stopped; "envboot destroy demo" removes what it made.`,
    ]);
    assert.deepEqual(bootstrapJson(bootstrap), {
      status: 'failed',
      failure: { phase: 'configure', code: 'REMOTE_COMMAND_FAILED', message: configureFailed.message, at: configureFailed.at, machineId: '0' },
      startedAt: '2024-05-01T09:59:00.000Z',
      completedAt: null,
      runningCommand: null,
    });
  });

  it('a bootstrap that did not finish, or is in progress, on the controller and in a note', () => {
    const controller = machine('0', { instance: instance('i-0', 'pending') });
    const interrupted: BootstrapView = { status: 'interrupted', startedAt: '2024-05-01T09:59:00.000Z' };
    assert.equal(statusCell(controller, interrupted), 'pending (bootstrap did not finish)');
    const notes = statusNotes({ name: 'demo', machines: [controller], bootstrap: interrupted });
    assert.match(notes.join('\n'), /^Bootstrap did not finish \(started 2024-05-01T09:59:00\.000Z\): no envboot command on this client is running it/m);
    assert.match(notes.join('\n'), /"envboot destroy demo" removes what it made/);
    const runner = holderForThisProcess({ token: 't', command: 'envboot bootstrap demo', leaseMs: 15_000, now: Date.now() });
    const running: BootstrapView = { status: 'in-progress', runner };
    assert.equal(statusCell(controller, running), 'pending (bootstrap in progress)');
    assert.match(statusNotes({ name: 'demo', machines: [controller], bootstrap: running }).join('\n'), new RegExp(`^Bootstrap in progress \\(pid ${process.pid}\\)`, 'm'));
    assert.deepEqual((bootstrapJson(running)?.['runningCommand'] as { pid: number }).pid, process.pid);
    assert.equal(statusCell(machine('1'), running), 'running', 'only the controller carries the bootstrap');
  });

  it('quotes every stored string printable: no terminal escape from the bucket or the cloud reaches the table or the notes', () => {
    const evil = '\u001b[2J\u001b]0;pwned\u0007\u202e';
    const view: MachineView = {
      record: { id: `1${evil}`, instanceId: `i-1${evil}`, hostKeys: [], failure: { phase: `configure${evil}`, code: `X${evil}`, message: `m${evil}`, at: evil } },
      instance: instance(`i-1${evil}`, 'failed', `gone${evil}`),
      controller: false,
    };
    const bootstrap: BootstrapView = { status: 'failed', failure: { phase: evil, code: evil, message: evil, at: evil, machineId: evil }, startedAt: evil };
    const text = [statusCell(view, bootstrap), ...statusNotes({ name: 'demo', machines: [view], bootstrap })].join('\n');
    assert.doesNotMatch(text, rawControl);
    assert.match(text, /\\x1b\[2J/);
    assert.deepEqual(failureJson(view.record.failure)?.['message'], `m${evil}`, '--json carries the string as stored (JSON escapes it)');
  });
});

describe('bootstrapView tells a bootstrap still running from one that was killed', () => {
  async function environmentDir(holder?: object): Promise<string> {
    const dir = path.join(await tempDir('envboot-status-view-'), 'demo');
    if (holder !== undefined) {
      await mkdir(`${dir}.lock`, { recursive: true });
      await writeFile(path.join(`${dir}.lock`, 'holder.json'), JSON.stringify(holder));
    }
    return dir;
  }
  const started: ProviderState = { stateInstances: [], fields: { bootstrap: { status: 'started' }, 'bootstrapped-at': '2024-05-01T09:59:00.000Z' } };
  const live = (command: string): object => holderForThisProcess({ token: randomBytes(8).toString('hex'), command, leaseMs: 15_000, now: Date.now() });

  it('started, with a live bootstrap holding the lock: in progress, with its pid', async () => {
    const view = await bootstrapView({ state: started, name: 'demo', dir: await environmentDir(live('envboot bootstrap demo')) });
    assert.equal(view?.status, 'in-progress');
    assert.equal(view.runner?.pid, process.pid);
    assert.equal(view.startedAt, '2024-05-01T09:59:00.000Z');
  });

  it('started, with no lock, a dead holder, or another command holding it: interrupted', async () => {
    const dead = { ...live('envboot bootstrap demo'), startTime: -1 };
    for (const holder of [undefined, dead]) {
      const view = await bootstrapView({ state: started, name: 'demo', dir: await environmentDir(holder) });
      assert.deepEqual(view, { status: 'interrupted', startedAt: '2024-05-01T09:59:00.000Z' });
    }
    const destroying = await bootstrapView({ state: started, name: 'demo', dir: await environmentDir(live('envboot destroy demo')) });
    assert.equal(destroying?.status, 'interrupted');
    assert.equal(destroying.runner?.command, 'envboot destroy demo');
  });

  it('no marker (an older envboot) is complete; no provider-state is nothing, unless a bootstrap runs', async () => {
    const old: ProviderState = { stateInstances: ['i-0'], fields: {} };
    assert.deepEqual(await bootstrapView({ state: old, name: 'demo', dir: await environmentDir(live('envboot bootstrap demo')) }), { status: 'complete' });
    assert.equal(await bootstrapView({ state: undefined, name: 'demo', dir: await environmentDir() }), undefined);
    const before = await bootstrapView({ state: undefined, name: 'demo', dir: await environmentDir(live('envboot bootstrap demo')) });
    assert.equal(before?.status, 'in-progress');
  });
});
