import type { Command } from 'commander';
import { formatReply, type CompletionReply } from './candidate.js';
import { completeLine } from './complete-line.js';

export interface RunCompleteParams {
  readonly program: Command;
  /** `CWORD WORD…` as the completion scripts pass them: the index of the word under the cursor, then the line's words. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly write: (text: string) => void;
}

/**
 * `envboot __complete CWORD WORD…`, which the completion scripts call on every Tab: writes
 * the reply (see `formatReply`). Whatever goes wrong (a damaged record, an unreadable
 * environments.yaml, words it cannot read) is an empty reply, never an error printed
 * into the user's prompt, and the exit code stays 0.
 */
export async function runComplete(params: RunCompleteParams): Promise<void> {
  let reply: CompletionReply = { kind: 'words', candidates: [] };
  try {
    const [cword, ...line] = params.args;
    const index = Number(cword);
    if (Number.isSafeInteger(index) && index >= 1 && index <= 1000) {
      const words = Array.from({ length: index + 1 }, (_, i) => line[i] ?? '');
      reply = await completeLine({ program: params.program, words, env: params.env });
    }
  } catch {
    // An empty reply: the shell offers nothing, and the prompt stays clean.
  }
  params.write(formatReply(reply));
}
