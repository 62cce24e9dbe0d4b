import type { RecordedFailure } from '../../state/index.js';
import { printableExcerpt } from '../../state/printable-excerpt.js';
import { describeHolder, thisHost } from '../../util/lock-holder.js';
import type { BootstrapView } from '../environment/bootstrap-view.js';
import type { MachineView } from '../environment/collect-machines.js';
import { pendingWaysOut, unfinishedWaysOut } from '../environment/unfinished.js';

/*
 * What `status` says of machines and of the bootstrap that are not plainly fine: a short
 * reason in the table's Status column, a note under the table with the reason in full and
 * what to do. Every string that comes from provider-state or the provider (ids, phases,
 * messages) is quoted through `printableExcerpt`: whoever can write the bucket or tag an
 * instance must not reach the operator's terminal.
 */

/** How much of a message a note quotes: a recorded failure's whole message, at most. */
const noteLength = 400;

/** A machine id, instance id or similar stored string, as the table and notes show it. */
export function shown(text: string, maxLength = 64): string {
  return printableExcerpt(text, maxLength);
}

/** `running`, or `running (bootstrap failed; configure failed)`: the status with its short reasons. */
export function statusCell(view: MachineView, bootstrap: BootstrapView | undefined): string {
  const status = view.instance?.status ?? 'missing';
  const reasons: string[] = [];
  if (view.controller && bootstrap !== undefined && bootstrap.status !== 'complete') reasons.push(bootstrapReason(bootstrap));
  if (view.record.failure !== undefined) reasons.push(failureLabel(view.record.failure));
  else if (view.record.pending === true && !view.controller) reasons.push('pending: add-machine did not finish');
  const message = providerMessage(view);
  if (message !== undefined) reasons.push(printableExcerpt(message, 40));
  return reasons.length === 0 ? status : `${status} (${reasons.join('; ')})`;
}

/** `configure failed`, `wait-ssh interrupted`. */
function failureLabel(failure: RecordedFailure): string {
  return `${shown(failure.phase, 20)} ${failure.code === 'CANCELLED' ? 'interrupted' : 'failed'}`;
}

function bootstrapReason(bootstrap: BootstrapView): string {
  const reasons = { complete: 'bootstrap complete', 'in-progress': 'bootstrap in progress', failed: 'bootstrap failed', interrupted: 'bootstrap did not finish' };
  return reasons[bootstrap.status];
}

/** The provider's own word on an instance that is not running. */
function providerMessage(view: MachineView): string | undefined {
  const { instance } = view;
  return instance === undefined || instance.status === 'running' ? undefined : instance.statusMessage;
}

export interface StatusNotesParams {
  /** The environment's name, for the commands the notes suggest. */
  readonly name: string;
  readonly machines: readonly MachineView[];
  readonly bootstrap: BootstrapView | undefined;
}

/** The notes under the table: each reason in full, and the way out. Empty when all is well. */
export function statusNotes(params: StatusNotesParams): string[] {
  const { name, bootstrap } = params;
  const notes: string[][] = [];
  if (bootstrap !== undefined && bootstrap.status !== 'complete') notes.push(bootstrapNote(name, bootstrap));
  const pending = params.machines.filter((v) => v.record.pending === true && v.record.failure === undefined && !v.controller).map((v) => shown(v.record.id, 20));
  if (pending.length > 0) {
    notes.push([
      `Machine${pending.length === 1 ? '' : 's'} ${pending.join(', ')}: started, not yet verified and configured (an add-machine that was killed, or one still running).`,
      `  ${capitalised(pendingWaysOut(name))}.`,
    ]);
  }
  for (const view of params.machines) {
    const id = shown(view.record.id, 20);
    const who = view.controller ? `Machine ${id} (controller)` : `Machine ${id}`;
    const wayOut = view.controller
      ? `"envboot destroy ${name}" removes the environment`
      : `"envboot remove-machine ${name} ${id}" removes it`;
    const { failure } = view.record;
    // A bootstrap that failed has said it already: the same failure, on the controller.
    if (failure !== undefined && !(view.controller && bootstrap?.status === 'failed')) {
      notes.push([
        `${who}: ${failureLabel(failure)} ${failureWhere(failure)}:`,
        `    ${printableExcerpt(failure.message, noteLength)}`,
        `  It was left as it failed: "envboot logs ${name} ${id}" shows its logs; ${wayOut}.`,
      ]);
    }
    const message = providerMessage(view);
    if (message !== undefined && view.instance !== undefined) {
      notes.push([
        `${who}: the provider says its instance ${shown(view.instance.id)} is ${view.instance.status}:`,
        `    ${printableExcerpt(message, noteLength)}`,
        `  ${capitalised(wayOut)}.`,
      ]);
    }
  }
  return notes.flatMap((note) => ['', ...note]);
}

function bootstrapNote(name: string, bootstrap: BootstrapView): string[] {
  const since = bootstrap.startedAt === undefined ? '' : ` (started ${shown(bootstrap.startedAt, 40)})`;
  const destroy = unfinishedWaysOut(name);
  const runner = bootstrap.runner === undefined ? undefined : describeHolder(bootstrap.runner, { here: thisHost(), now: Date.now() });
  switch (bootstrap.status) {
    case 'in-progress':
      return [
        `Bootstrap in progress (pid ${bootstrap.runner?.pid ?? '?'}).`,
        `  ${runner ?? 'An envboot bootstrap'} is running it: wait for it to finish, or stop it (Ctrl-C where it runs).`,
      ];
    case 'failed': {
      const { failure } = bootstrap;
      if (failure === undefined) return [`Bootstrap failed${since}; provider-state does not say why.`, `  ${capitalised(destroy)}.`];
      const controller = failure.machineId === undefined ? '0' : shown(failure.machineId, 20);
      return [
        `Bootstrap failed: ${failureLabel(failure)}${failure.machineId === undefined ? '' : ` on machine ${controller}`} ${failureWhere(failure)}:`,
        `    ${printableExcerpt(failure.message, noteLength)}`,
        `  What it made was kept as it failed: "envboot logs ${name} ${controller}" shows the controller's logs; ${destroy}.`,
        ...(runner === undefined ? [] : [`  ${runner} is working on the environment now.`]),
      ];
    }
    case 'interrupted':
      return [
        `Bootstrap did not finish${since}: no envboot command on this client is running it (it was killed, or it runs from another client).`,
        ...(runner === undefined ? [] : [`  ${runner} is working on the environment now.`]),
        `  ${capitalised(destroy)}.`,
      ];
    case 'complete':
      return [];
  }
}

/** `at 2024-05-01T10:00:00.000Z (REMOTE_COMMAND_FAILED)`. */
function failureWhere(failure: RecordedFailure): string {
  return `${failure.at === '' ? '' : `at ${shown(failure.at, 40)} `}(${shown(failure.code, 40)})`;
}

function capitalised(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}

/** A recorded failure as `--json` carries it. */
export function failureJson(failure: RecordedFailure | undefined): Record<string, string | null> | null {
  if (failure === undefined) return null;
  return { phase: failure.phase, code: failure.code, message: failure.message, at: failure.at === '' ? null : failure.at };
}

/** The bootstrap as `--json` carries it; null without provider-state or a running bootstrap. */
export function bootstrapJson(bootstrap: BootstrapView | undefined): Record<string, unknown> | null {
  if (bootstrap === undefined) return null;
  const { failure, runner } = bootstrap;
  return {
    status: bootstrap.status,
    failure: failure === undefined ? null : { ...failureJson(failure), machineId: failure.machineId ?? null },
    startedAt: bootstrap.startedAt ?? null,
    completedAt: bootstrap.completedAt ?? null,
    runningCommand: runner === undefined ? null : { command: runner.command, pid: runner.pid, host: runner.host, since: runner.since },
  };
}
