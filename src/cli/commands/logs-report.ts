import path from 'node:path';
import { errorCodeOf, messageOf } from '../../errors/index.js';
import type { MachineRecord } from '../../state/index.js';
import { sshFailure, type CollectedLogs, type SshOutcome } from './logs-collect.js';
import type { Section } from './logs-sections.js';
import type { WrittenLogs } from './logs-write.js';

export interface LogsReportParams {
  readonly environment: string;
  readonly machine: MachineRecord;
  readonly collected: CollectedLogs;
  /** Present with `--output`: where each collected section went. */
  readonly written?: WrittenLogs;
}

/** The `--json` result: the machine, how SSH went, and each section (lines, or why there are none). */
export function logsJson(params: LogsReportParams): unknown {
  const { collected, written } = params;
  const sections: Record<string, unknown> = {};
  for (const section of collected.sections) {
    const file = written?.files.find((f) => f.section === section.name)?.file;
    sections[section.name] = sectionJson(section, file);
  }
  return {
    environment: params.environment,
    machine: { id: params.machine.id, instanceId: params.machine.instanceId },
    ssh: collected.ssh === undefined ? null : sshJson(collected.ssh),
    sections,
    ...(written === undefined ? {} : { output: { directory: written.directory, files: written.files.map((f) => f.file) } }),
  };
}

function sectionJson(section: Section, file: string | undefined): unknown {
  if (section.status !== 'collected') return { source: section.source, status: section.status, reason: section.reason };
  const via = { ...(section.viaSudo === undefined ? {} : { viaSudo: section.viaSudo }), ...(section.location === undefined ? {} : { location: section.location }) };
  if (file !== undefined) return { source: section.source, status: section.status, file, totalLines: section.totalLines, ...via };
  return { source: section.source, status: section.status, lines: section.lines, totalLines: section.totalLines, ...via };
}

function sshJson(ssh: SshOutcome): unknown {
  if (ssh.connected) return { connected: true, address: ssh.address, user: ssh.user };
  return { connected: false, code: errorCodeOf(ssh.error) ?? null, message: messageOf(ssh.error) };
}

/**
 * The sections for a terminal or a file, `tail`-style: a `==> … <==` header per section,
 * then its lines, or why it has none in parentheses. An SSH failure is said once, first.
 */
export function logsText(params: LogsReportParams): string {
  const { machine, collected } = params;
  const out: string[] = [];
  if (collected.ssh?.connected === false) {
    out.push(`SSH to machine ${machine.id} (instance ${machine.instanceId}) failed: ${sshFailure(collected.ssh.error)}`, '');
  }
  for (const section of collected.sections) {
    out.push(`==> machine ${machine.id}: ${section.source}${countNote(section)} <==`);
    if (section.status !== 'collected') out.push(`(${section.reason})`);
    else out.push(...(section.lines.length === 0 ? ['(empty)'] : section.lines), ...(section.location === undefined ? [] : [`(all of it: ${section.location})`]));
    out.push('');
  }
  return out.join('\n').trimEnd();
}

function countNote(section: Section): string {
  if (section.status !== 'collected' || section.lines.length >= section.totalLines) return '';
  return ` (last ${section.lines.length} of ${section.totalLines} lines)`;
}

/** What `--output` did, for the terminal: each file written, and each section that was not. */
export function writtenText(params: LogsReportParams & { written: WrittenLogs }): string {
  const { machine, collected, written } = params;
  const out: string[] = [];
  if (collected.ssh?.connected === false) {
    out.push(`SSH to machine ${machine.id} (instance ${machine.instanceId}) failed: ${sshFailure(collected.ssh.error)}`);
  }
  out.push(written.files.length === 0 ? `Nothing of machine ${machine.id} was written.` : `Wrote machine ${machine.id}'s logs to ${written.directory}:`);
  for (const section of collected.sections) {
    const file = written.files.find((f) => f.section === section.name);
    if (file !== undefined) out.push(`  ${path.basename(file.file)}: ${section.source}, ${section.status === 'collected' ? section.totalLines : 0} lines`);
    else if (section.status !== 'collected') out.push(`  not written: ${section.source}: ${section.reason}`);
  }
  return out.join('\n');
}
