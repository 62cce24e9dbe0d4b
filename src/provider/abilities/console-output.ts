import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/** The end of an instance's console, as the provider has it. */
export interface ConsoleOutput {
  /**
   * The last lines, oldest first, as the provider got them: escape sequences, carriage
   * returns and all. Common code strips control characters and redacts secrets before
   * anything is shown or logged, so a provider returns it unaltered.
   */
  readonly text: string;
  /**
   * Where the whole console can be read, for the operator: a file on this host, or the
   * command that fetches it (`aws ec2 get-console-output --instance-id i-… --latest`).
   */
  readonly location?: string;
}

/**
 * The console ability: an Environ that can show what an instance printed while it booted
 * (EC2's GetConsoleOutput, a VM's serial log, a sandbox's first-boot log). Common code
 * asks for it when a machine did not come up (waitSSH timed out, the instance failed) so
 * that the error says why, and `envboot logs` collects it.
 */
export interface ConsoleEnviron extends Environ {
  /**
   * The last `lines` lines (default 50) of the instance's console. Undefined when the
   * instance is not this environment's (or no longer exists), or when the cloud has no
   * console output for it yet (EC2 has none for the first minutes of an instance). Read
   * only; provider errors are translated as for every Environ method.
   */
  consoleOutput(params: { readonly id: string; readonly lines?: number; readonly signal?: AbortSignal }): Promise<ConsoleOutput | undefined>;
}

/** True when the Environ can show instances' console output. */
export function hasConsoleOutput(environ: Environ): environ is ConsoleEnviron {
  return implementsAbility(environ, 'console-output');
}
