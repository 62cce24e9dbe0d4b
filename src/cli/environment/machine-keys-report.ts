import { machineFailureText, type MachineKeysOutcome } from '../../machines/index.js';
import { errorCodeOf } from '../../errors/index.js';

export interface MachineKeysReport {
  /** One line per machine, for people. */
  readonly lines: string[];
  /** One entry per machine, for `--json`. */
  readonly json: { id: string; ok: boolean; added?: number; removed?: number; stillLetIn?: number; error?: { code: string | undefined; message: string } }[];
  /** The machines that could not be changed. */
  readonly failed: readonly string[];
  /** The first failure's error, as the cause of the command's. */
  readonly firstError: unknown;
}

/** What `authorize`, `revoke` and `rotate-client-key` say about each machine they changed. */
export function machineKeysReport(outcomes: readonly MachineKeysOutcome[]): MachineKeysReport {
  const lines: string[] = [];
  const json: MachineKeysReport['json'] = [];
  const failed: string[] = [];
  let firstError: unknown;
  for (const outcome of outcomes) {
    if (outcome.ok) {
      const what = outcome.added + outcome.removed === 0 ? 'already up to date' : [outcome.added > 0 ? 'key added' : '', outcome.removed > 0 ? 'key removed' : ''].filter(Boolean).join(', ');
      // envboot removes only this environment's lines: the login user's own line of the key, or another environment's, is not its to remove.
      const one = outcome.remaining === 1;
      const still = outcome.remaining === 0 ? '' : `; warning: ${outcome.remaining} other line${one ? '' : 's'} (the login user's own, or another environment's) still let${one ? 's' : ''} this key in: remove ${one ? 'it' : 'them'} from ~/.ssh/authorized_keys there if the key must not log in`;
      lines.push(`  machine ${outcome.machineId}: ${what}${still}`);
      json.push({ id: outcome.machineId, ok: true, added: outcome.added, removed: outcome.removed, ...(outcome.remaining === 0 ? {} : { stillLetIn: outcome.remaining }) });
    } else {
      const text = machineFailureText(outcome);
      lines.push(`  ${text}`);
      json.push({ id: outcome.machineId, ok: false, error: { code: errorCodeOf(outcome.error), message: text } });
      failed.push(outcome.machineId);
      firstError ??= outcome.error;
    }
  }
  return { lines, json, failed, firstError };
}
