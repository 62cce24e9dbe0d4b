import type { ExecParams, ExecResult } from './exec.js';
import type { SshConnection } from './ssh-connection.js';

/** A login the machine accepted only to refuse it with a forced command. */
export interface RefusedLogin {
  /** What the machine printed. */
  readonly text: string;
  /** The user it asks for instead, when it names one. */
  readonly suggestedUser?: string;
}

/**
 * cloud-init's forced command on root's key when `disable_root` is on: it names the
 * default user (quoted, or escaped-quoted in some versions; `NONE` when the image has
 * none), pauses 10 s and exits 142.
 */
const refusalText = /Please login as the user \\?"?([a-z_][a-z0-9_.-]*\$?)/i;
const refusalStatus = 142;

/**
 * The refusal in a command's output, if the machine refused the login that ran it: its
 * words, or cloud-init's exit status 142 with next to nothing printed (a command that
 * merely died of SIGALRM prints its own output).
 */
export function refusedLoginIn(output: string, exitCode?: number): RefusedLogin | undefined {
  const match = refusalText.exec(output);
  if (match === null && (exitCode !== refusalStatus || output.trim().length > 0)) return undefined;
  const named = match?.[1];
  const suggestedUser = named === undefined || named.toUpperCase() === 'NONE' ? undefined : named;
  return { text: output.trim(), ...(suggestedUser === undefined ? {} : { suggestedUser }) };
}

/**
 * Runs a command, giving up on it as soon as its output shows that the login is refused by
 * a forced command (which pauses before it exits, and sshd keeps the channel until it
 * does): every cloud image refuses root this way. Resolves with the result, or with the
 * refusal instead; never throws for one. The refused command is stopped in the background.
 */
export async function execUnlessRefused(connection: SshConnection, params: ExecParams): Promise<{ result: ExecResult } | { refused: RefusedLogin }> {
  const stop = new AbortController();
  let seen = '';
  let refusedEarly: (refused: RefusedLogin) => void = () => undefined;
  const early = new Promise<{ refused: RefusedLogin }>((resolve) => {
    refusedEarly = (refused) => { resolve({ refused }); };
  });
  const running = connection.exec({
    ...params,
    signal: AbortSignal.any(params.signal === undefined ? [stop.signal] : [params.signal, stop.signal]),
    onStdout: (chunk) => {
      seen = (seen + chunk.toString('utf8')).slice(-512);
      params.onStdout?.(chunk);
      const refused = refusedLoginIn(seen);
      if (refused === undefined || stop.signal.aborted) return;
      stop.abort();
      refusedEarly(refused);
    },
  });
  // Once refused, the stopped command's own ending (a cancellation) is of no interest.
  running.catch(() => undefined);
  const finished = running.then((result) => {
    const refused = refusedLoginIn(result.stdout.toString('utf8'), result.exitCode);
    return refused === undefined ? { result } : { refused };
  });
  return Promise.race([finished, early]);
}
