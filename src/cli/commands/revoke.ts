import { ConfigError } from '../../errors/index.js';
import { changeMachineKeys } from '../../machines/index.js';
import { parseClientPublicKey, type ClientPublicKey } from '../../ssh/index.js';
import { authorizedClients, findAuthorizedClient, revokeClient, type AuthorizedClient } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { requireListedClient } from '../environment/authorize-hint.js';
import { machineKeysReport } from '../environment/machine-keys-report.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { readKeyArgument } from '../environment/read-key-argument.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';

export interface RevokeInput {
  readonly environment: string;
  /** `KEY-LINE|FILE|FINGERPRINT|LABEL`. */
  readonly key: string;
}

/**
 * `envboot revoke ENV KEY-LINE|FILE|FINGERPRINT|LABEL`: takes a client's key off
 * provider-state's list (so no machine started later gets it), then out of every
 * machine's authorized_keys (envboot's lines only). Refused with exit 2, nothing changed:
 * this client's own key (`rotate-client-key` replaces it; another client may revoke it),
 * the last key listed, and a fingerprint or label that names no listed key. A key given
 * as a line or file that is no longer listed (an earlier revoke that missed machines) is
 * removed from the machines that still have it.
 */
export async function runRevoke(context: CommandContext, input: RevokeInput): Promise<CommandResult> {
  const text = await readKeyArgument(input.key, { what: 'the key', orSelector: true });
  const given = text === undefined ? undefined : parseClientPublicKey(text);
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ, state } = await openBootstrapped({ context, environment });
  const clientKey = await requireClientKey(environment);
  requireListedClient({ environment: environment.name, state, clientKey, what: 'revoke a key' });
  const own = parseClientPublicKey(clientKey.publicKey, "this client's key");
  const clients = state === undefined ? [] : authorizedClients(state);
  const target = given ?? chosen(clients, input.key, own);
  if (target.key === own.key) throw ownKeyError(environment.name, target);
  const listed = clients.find((c) => c.key === target.key);
  let removed: AuthorizedClient | undefined;
  if (listed !== undefined) {
    ({ removed } = await revokeClient({ storage: environ.storage(), key: listed.key, keep: [own.key], environment: environment.name, signal: context.signal }));
  }
  const outcomes = await changeMachineKeys({ environ, clientKey, change: { remove: [target.key] }, signal: context.signal });
  const report = machineKeysReport(outcomes);
  const name = removed === undefined ? target.fingerprint : `"${removed.label}" (${removed.fingerprint})`;
  const head = removed === undefined
    ? `${name} was not listed for environment "${environment.name}" (revoked before); its lines were removed from any machine that still had them.`
    : `Revoked ${name} from environment "${environment.name}".`;
  const json = { environment: environment.name, revoked: { key: target.key, fingerprint: target.fingerprint, ...(removed === undefined ? {} : { label: removed.label }) }, listed: removed !== undefined, machines: report.json };
  const textOut = [head, ...report.lines].join('\n');
  if (report.failed.length === 0) return { outcome: { json, text: textOut } };
  const error = new Error(
    `the key is off provider-state's list (no machine started from now on gets it), but machine ${report.failed.join(', ')} could not be reached and still let${report.failed.length === 1 ? 's' : ''} it in; ` +
      `run "envboot revoke ${environment.name} '${target.key}'" once ${report.failed.length === 1 ? 'it is' : 'they are'} reachable to finish the job, or remove the machine`,
    { cause: report.firstError },
  );
  return { outcome: { json, text: textOut }, exitCode: 1, error };
}

/** The listed key a fingerprint or label names; this client's own key is named as such even when no list exists yet. */
function chosen(clients: readonly AuthorizedClient[], selector: string, own: ClientPublicKey): Pick<ClientPublicKey, 'key' | 'fingerprint'> & { label?: string } {
  if (selector.trim() === own.fingerprint) return own;
  return findAuthorizedClient(clients, selector);
}

function ownKeyError(environment: string, key: { fingerprint: string; label?: string }): ConfigError {
  return new ConfigError(
    `${key.label === undefined ? key.fingerprint : `"${key.label}" (${key.fingerprint})`} is this client's own key for "${environment}": ` +
      `run "envboot rotate-client-key ${environment}" to replace it, or revoke it from another authorized client. Nothing was changed`,
  );
}
