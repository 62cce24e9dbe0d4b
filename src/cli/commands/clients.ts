import { parseClientPublicKey } from '../../ssh/index.js';
import { authorizedClients, type AuthorizedClient } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { readClientKey } from '../records/client-key.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';

export interface ClientsInput {
  readonly environment: string;
}

/**
 * `envboot clients ENV`: the client keys authorized for the environment, as provider-state
 * lists them: label, fingerprint (`SHA256:…`, as `ssh-keygen -l` prints it), when added,
 * and which is this client's. Before any `authorize`, provider-state lists none and the
 * only key is the bootstrapping client's, shown as such when it is this client.
 */
export async function runClients(context: CommandContext, input: ClientsInput): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { state } = await openBootstrapped({ context, environment });
  const listed = state === undefined ? [] : authorizedClients(state);
  const ownPair = await readClientKey(environment.dir);
  const own = ownPair === undefined ? undefined : parseClientPublicKey(ownPair.publicKey, "this client's key");
  const implicit = listed.length === 0 && own !== undefined;
  const clients: (AuthorizedClient & { thisClient: boolean })[] = implicit
    ? [{ key: own.key, label: own.comment || 'this client', fingerprint: own.fingerprint, addedAt: '', thisClient: true }]
    : listed.map((c) => ({ ...c, thisClient: c.key === own?.key }));
  const rows = clients.map((c) => [c.label + (c.thisClient ? ' (this client)' : ''), c.fingerprint, c.addedAt === '' ? '-' : c.addedAt.replace(/\.\d+Z$/, 'Z')]);
  const widths = [0, 1].map((i) => Math.max(...[['LABEL', 'FINGERPRINT'][i] ?? '', ...rows.map((r) => r[i] ?? '')].map((s) => s.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd();
  const notes = [
    ...(implicit ? [`No other client is authorized ("envboot authorize ${environment.name} KEY.pub" adds one).`] : []),
    ...(own !== undefined && !implicit && !clients.some((c) => c.thisClient) ? ["This client's key is not listed: it cannot log in unless an authorized client runs \"envboot authorize\" with its client-key.pub."] : []),
  ];
  const text = [line(['LABEL', 'FINGERPRINT', 'ADDED']), ...rows.map(line), ...notes].join('\n');
  return { outcome: { json: { environment: environment.name, clients, listed: !implicit }, text } };
}
