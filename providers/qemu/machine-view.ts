import { lastLines, readFileEnd, throwIfCancelled, type Instance } from '../../src/index.js';
import { machineFiles, type QemuLayout } from './layout.js';
import type { MachineRecord } from './machine-record.js';
import { machineProcess } from './qemu-process.js';

/** How long a machine may be without a QEMU process before it counts as a failed start. */
export const startGraceMs = 120_000;

/**
 * The machine as an Instance: `running` while its QEMU lives (checked to be that very
 * process), `pending` while a start is still setting it up, `failed` when a start never got
 * QEMU running, `terminated` once QEMU has exited (a guest that powered off, a killed
 * process), with the end of the console log to say why.
 */
export async function viewMachine(layout: QemuLayout, record: MachineRecord, now: number = Date.now()): Promise<Instance> {
  const files = machineFiles(layout, record.id);
  const running = machineProcess(record, files) !== undefined;
  const base = { id: record.id, zone: record.zone, hardware: record.hardware, tags: record.tags };
  // The forward is recorded before QEMU runs with it, so a running QEMU always has its port.
  if (running) {
    return { ...base, status: 'running', addresses: [{ value: record.ssh.host, port: record.ssh.port, scope: 'public' }] };
  }
  if (record.process === undefined) {
    if (now - Date.parse(record.createdAt) < startGraceMs) return { ...base, status: 'pending', addresses: [] };
    return { ...base, status: 'failed', addresses: [], statusMessage: 'its start was interrupted before QEMU ran; stop it to remove its files' };
  }
  const console = await consoleTail(files.console);
  const said = console === '' ? 'the console log is empty' : `the console log (${files.console}) ends with: ${console}`;
  return { ...base, status: 'terminated', addresses: [], statusMessage: `QEMU (pid ${record.process.pid}) has exited; ${said}` };
}

/** The last lines of a console log, printable characters only, for a status message. */
export async function consoleTail(file: string, lines = 3): Promise<string> {
  const text = await readFileEnd(file, 4096).catch(() => undefined);
  return (text ?? '')
    .split(/\r?\n/)
    // eslint-disable-next-line no-control-regex -- escape sequences and other controls make no sense in a message
    .map((line) => line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x1f\x7f]/g, '').trim())
    .filter((line) => line !== '')
    .slice(-lines)
    .join(' / ');
}

/** How much of the end of a console log is read at most: the last lines are all that is asked for. */
const consoleReadBytes = 256 * 1024;

/**
 * The last `lines` lines of a console log as the guest wrote them (escape sequences,
 * carriage returns and all: common code cleans them), or undefined when there is no log
 * yet (QEMU has not started).
 */
export async function readConsoleEnd(params: { readonly file: string; readonly lines: number; readonly signal?: AbortSignal | undefined }): Promise<string | undefined> {
  throwIfCancelled(params.signal, `reading ${params.file}`);
  const text = await readFileEnd(params.file, consoleReadBytes);
  throwIfCancelled(params.signal, `reading ${params.file}`);
  return text === undefined ? undefined : lastLines(text, params.lines);
}
