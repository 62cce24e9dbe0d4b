import type { ChildProcess } from 'node:child_process';

/**
 * Signals the process group a detached child leads; a group already gone is fine. By
 * default only while the leader runs (its id cannot have been reused then); `afterExit`
 * also reaches what the leader left behind in its group, as sshd's hang-up does.
 */
export function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals, options: { afterExit?: boolean } = {}): void {
  const running = child.exitCode === null && child.signalCode === null;
  try {
    if (child.pid !== undefined && (running || options.afterExit === true)) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
