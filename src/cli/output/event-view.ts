import { stripVTControlCharacters } from 'node:util';
import { printableMessage } from './printable-message.js';
import type { FlowEvent } from '../../provision/events.js';
import type { WaitSshEvent } from '../../wait-ssh/wait-ssh-types.js';
import { stepLabel } from './step-labels.js';

/**
 * A flow event as the operator's display sees it: a step starting, finishing or
 * failing; a detail of a running step; a line worth keeping; or a line of a machine's
 * configure output. The TTY and the plain display differ only in how they draw these.
 */
export type EventView =
  | { readonly kind: 'started'; readonly key: string; readonly label: string }
  | { readonly kind: 'finished'; readonly key: string; readonly label: string; readonly elapsedMs: number }
  | { readonly kind: 'failed'; readonly key: string; readonly label: string; readonly elapsedMs: number; readonly message: string }
  | {
      readonly kind: 'detail';
      readonly key: string;
      readonly text: string;
      readonly chatty?: boolean;
      /** The machine and the part of its step the detail is about (`SSH`, `configure`), for a line that must stand on its own. */
      readonly about?: { readonly machineId: string; readonly topic: string };
    }
  | { readonly kind: 'note'; readonly level: 'info' | 'warn' | 'error'; readonly text: string }
  | { readonly kind: 'output'; readonly machineId: string; readonly stream: 'stdout' | 'stderr'; readonly line: string };

const stepKey = (phase: string, machineId: string | undefined): string => `${machineId ?? '-'}:${phase}`;

export function viewOf(event: FlowEvent): EventView | undefined {
  switch (event.type) {
    case 'phase.started':
      return { kind: 'started', key: stepKey(event.phase, event.machineId), label: stepLabel(event.phase, event.machineId) };
    case 'phase.finished':
      return { kind: 'finished', key: stepKey(event.phase, event.machineId), label: stepLabel(event.phase, event.machineId), elapsedMs: event.elapsedMs };
    case 'phase.failed':
      return {
        kind: 'failed',
        key: stepKey(event.phase, event.machineId),
        label: stepLabel(event.phase, event.machineId),
        elapsedMs: event.elapsedMs,
        message: printableMessage(firstLine(event.message)),
      };
    case 'warning':
      return { kind: 'note', level: 'warn', text: printableMessage(event.message) };
    case 'instance-type.chosen':
      return { kind: 'note', level: 'info', text: `machine ${event.machineId}: instance type ${event.instanceType}` };
    case 'instance.start-failed':
      return { kind: 'note', level: 'warn', text: startFailed(event) };
    case 'instance.started':
      return {
        kind: 'note',
        level: 'info',
        text: `machine ${event.machineId}: instance ${event.instanceId} started${event.zone === undefined ? '' : ` in zone ${event.zone}`}`,
      };
    case 'wait-ssh':
      return waitSshView(event.machineId, event.event);
    case 'configure':
      return event.event.type === 'configure.step'
        ? {
            kind: 'detail',
            key: stepKey('configure', event.machineId),
            text: `step ${event.event.index}/${event.event.total}: ${event.event.name}`,
            about: { machineId: event.machineId, topic: 'configure' },
          }
        : { kind: 'output', machineId: event.machineId, stream: event.event.stream, line: printable(event.event.line) };
    case 'cleanup.removed':
      return { kind: 'note', level: 'info', text: `removed ${event.resource}` };
    case 'cleanup.failed':
      return { kind: 'note', level: 'error', text: printableMessage(`could not remove ${event.resource}: ${firstLine(event.message)}`) };
    case 'cleanup.kept':
      return { kind: 'note', level: 'warn', text: `kept ${event.resource}: ${event.reason}` };
  }
}

function startFailed(event: Extract<FlowEvent, { type: 'instance.start-failed' }>): string {
  const where = event.zone === undefined ? '' : ` in zone ${event.zone}`;
  const next = { 'next-zone': 'trying the next zone', 'retry-after-wait': 'retrying after a wait', 'give-up': 'giving up' }[event.next];
  return printableMessage(`machine ${event.machineId}: could not start${where}: ${firstLine(event.message)}; ${next}`);
}

function waitSshView(machineId: string, event: WaitSshEvent): EventView | undefined {
  const detail = waitSshDetail(event);
  return detail === undefined ? undefined : { kind: 'detail', key: stepKey('wait-ssh', machineId), ...detail, about: { machineId, topic: 'SSH' } };
}

function waitSshDetail(event: WaitSshEvent): { text: string; chatty?: boolean } | undefined {
  switch (event.type) {
    case 'wait-ssh.refreshed':
      return { text: `instance ${event.status}, ${event.addresses.length} address(es)`, chatty: true };
    case 'wait-ssh.no-address':
      return { text: 'no address yet', chatty: true };
    case 'wait-ssh.address-added':
      return { text: `trying ${event.address} (${event.scope})` };
    case 'wait-ssh.attempt-failed':
      return { text: `${event.address}: ${event.reason} (attempt ${event.attempts})`, chatty: true };
    case 'wait-ssh.refresh-failed':
      return { text: printableMessage(`could not refresh the instance: ${firstLine(event.message)}`) };
    case 'wait-ssh.connected':
      return { text: `verified ${event.address} after ${event.attempts} attempt(s)` };
  }
}

/**
 * A line of a machine's output as the operator's terminal may show it: its escape
 * sequences and control characters (cursor moves, carriage returns, a title change) would
 * otherwise act on the operator's terminal and garble the live display.
 */
function printable(line: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return stripVTControlCharacters(line).replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline)} …`;
}
