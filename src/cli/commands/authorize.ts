import { changeMachineKeys } from '../../machines/index.js';
import { parseClientPublicKey } from '../../ssh/index.js';
import { authorizeClient, checkClientLabel, machineKeyLine } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { requireListedClient } from '../environment/authorize-hint.js';
import { machineKeysReport } from '../environment/machine-keys-report.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { readKeyArgument } from '../environment/read-key-argument.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';

export interface AuthorizeInput {
  readonly environment: string;
  /** `PUBLIC-KEY-LINE|FILE`: a key line, or a .pub file holding one. */
  readonly key: string;
  readonly label?: string | undefined;
}

/**
 * `envboot authorize ENV PUBLIC-KEY-LINE|FILE [--label NAME]`: lets another client (its
 * public key; its private key never leaves it) log in to every machine of the
 * environment. The key goes into provider-state's list first, so that machines started
 * from then on get it, then into each machine's login user's authorized_keys over the
 * verified connection `exec` uses. Idempotent: run again, it adds no duplicate and
 * finishes machines that were missed. A bad key (malformed, private, with options, a weak
 * type) is exit 2 with nothing changed; a machine that cannot be reached is reported by
 * id, the others still get the key, and the exit status is 1.
 */
export async function runAuthorize(context: CommandContext, input: AuthorizeInput): Promise<CommandResult> {
  const keyLine = (await readKeyArgument(input.key, { what: 'the key' })) ?? '';
  const key = parseClientPublicKey(keyLine);
  if (input.label !== undefined) checkClientLabel(input.label);
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ, state } = await openBootstrapped({ context, environment });
  const clientKey = await requireClientKey(environment);
  requireListedClient({ environment: environment.name, state, clientKey, what: 'authorize another key' });
  const authorized = await authorizeClient({
    storage: environ.storage(),
    keyLine: key.key + (key.comment === '' ? '' : ` ${key.comment}`),
    label: input.label,
    initial: { keyLine: clientKey.publicKey },
    signal: context.signal,
  });
  const { client } = authorized;
  const outcomes = await changeMachineKeys({
    environ,
    clientKey,
    change: { add: [machineKeyLine(client, environ.environment.uuid)] },
    signal: context.signal,
  });
  const report = machineKeysReport(outcomes);
  const head = `${authorized.added ? 'Authorized' : 'Already authorized:'} "${client.label}" (${client.fingerprint}) for environment "${environment.name}"${authorized.added ? '' : '; its machines were checked'}.`;
  const json = { environment: environment.name, client, added: authorized.added, machines: report.json };
  if (report.failed.length === 0) {
    return { outcome: { json, text: [head, ...report.lines].join('\n') } };
  }
  const error = new Error(
    `the key is recorded in provider-state (machines started from now on get it), but machine ${report.failed.join(', ')} could not be reached; ` +
      `run "envboot authorize ${environment.name}" with the same key again once ${report.failed.length === 1 ? 'it is' : 'they are'} reachable to finish the job (no line is added twice)`,
    { cause: report.firstError },
  );
  return { outcome: { json, text: [head, ...report.lines].join('\n') }, exitCode: 1, error };
}
