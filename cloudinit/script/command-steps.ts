import type { Command } from '../model.js';
import { quote, quoteArgv } from './shell-quote.js';
import type { Step } from './step.js';

/**
 * One step per command. A string runs under `sh -c`, as cloud-init runs it from its
 * script; a list is an argv, run without a shell. The command text is not echoed: it
 * may carry a secret.
 */
export function commandSteps(key: 'bootcmd' | 'runcmd', commands: readonly Command[] | undefined): Step[] {
  return (commands ?? []).map((command, index) => ({
    name: `${key}[${index}]`,
    lines: [typeof command === 'string' ? `sh -c ${quote(command)}` : quoteArgv(command)],
  }));
}
