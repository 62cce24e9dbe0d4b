import type { Storage } from '../../storage/index.js';
import { ConfigError } from '../errors/index.js';
import { parseClientPublicKey, type ClientPublicKey } from '../ssh/client-public-key.js';
import { signalOf } from '../util/optional.js';
import { updateState, type LoadedState } from './provider-state.js';
import type { ProviderState } from './state-document.js';

/**
 * A client allowed to log in to the environment's machines: one public key (never a
 * private one), its label, and when it was added. provider-state lists them so that every
 * client, and every machine started later, knows them.
 */
export interface AuthorizedClient {
  /** `type base64`: the key, without comment. */
  readonly key: string;
  /** A name for people (`ops@laptop`, `ci-runner`): unique in the environment. */
  readonly label: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
  /** When it was authorized (ISO 8601). */
  readonly addedAt: string;
}

const clientsKey = 'authorized-clients';
const labelPattern = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/**
 * The clients provider-state lists, in the order they were added; empty when it lists
 * none (an environment nobody has authorized another client for). Entries that are not
 * valid keys are skipped, never used; a label that is not one is replaced by `client-…`.
 */
export function authorizedClients(state: ProviderState): AuthorizedClient[] {
  const raw = state.fields[clientsKey];
  if (!Array.isArray(raw)) return [];
  const clients: AuthorizedClient[] = [];
  for (const entry of raw as unknown[]) {
    const fields = entry as { key?: unknown; label?: unknown; 'added-at'?: unknown } | null;
    if (fields === null || typeof fields !== 'object' || typeof fields.key !== 'string' || typeof fields.label !== 'string') continue;
    let parsed: ClientPublicKey;
    try {
      parsed = parseClientPublicKey(fields.key);
    } catch {
      continue;
    }
    // The label goes into machines' authorized_keys lines and onto terminals: one that is not a label (a newline, an
    // escape sequence, written by anyone who can write provider-state) is replaced, and the key stays usable.
    const label = labelPattern.test(fields.label) ? fields.label : `client-${parsed.fingerprint.slice(7, 15).replace(/[^A-Za-z0-9]/g, 'x')}`;
    clients.push({ key: parsed.key, label, fingerprint: parsed.fingerprint, addedAt: typeof fields['added-at'] === 'string' ? fields['added-at'] : '' });
  }
  return clients;
}

/**
 * The `authorized_keys` line envboot writes for a client on a machine: the key, and a
 * comment that marks it as this environment's (`envboot:<uuid>:<label>`), so that revoke
 * and a manual host's release remove envboot's lines and no line the host's user wrote.
 */
export function machineKeyLine(client: Pick<AuthorizedClient, 'key' | 'label'>, environmentUuid: string): string {
  return `${client.key} envboot:${environmentUuid}:${client.label}`;
}

/** Every authorized client's machine line (see `machineKeyLine`): what a machine started now is given. */
export function machineKeyLines(state: ProviderState, environmentUuid: string): string[] {
  return authorizedClients(state).map((client) => machineKeyLine(client, environmentUuid));
}

/** Checks a label given with `--label`: throws `CONFIG_INVALID` naming what a label may hold. */
export function checkClientLabel(label: string): string {
  if (!labelPattern.test(label)) {
    throw new ConfigError(`the label "${label.slice(0, 80)}" is not usable: 1 to 64 letters, digits and . _ @ + -, starting with a letter or digit (e.g. ops@laptop, ci-runner)`);
  }
  return label;
}

export interface AuthorizeClientParams {
  readonly storage: Storage;
  /** One OpenSSH public key line (see `parseClientPublicKey`). */
  readonly keyLine: string;
  /** Default: the key's comment when it makes a label, else `client`; made unique with the fingerprint. */
  readonly label?: string | undefined;
  /**
   * The key that reached the machines before any client was authorized (the calling
   * client's own): recorded first when provider-state lists no client yet, so that the
   * list says who may log in.
   */
  readonly initial?: { readonly keyLine: string; readonly label?: string | undefined } | undefined;
  readonly known?: LoadedState | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface AuthorizeClientResult {
  readonly client: AuthorizedClient;
  /** False when the key was listed already (its label may have changed). */
  readonly added: boolean;
  readonly state: ProviderState;
}

/**
 * Lists a client's key in provider-state (compare-and-swap, retried on conflict).
 * Idempotent: a key listed already is not added twice; a `label` given renames it. A bad
 * key line, or a label another key has, is `CONFIG_INVALID` with nothing written.
 */
export async function authorizeClient(params: AuthorizeClientParams): Promise<AuthorizeClientResult> {
  const key = parseClientPublicKey(params.keyLine);
  const initial = params.initial === undefined ? undefined : parseClientPublicKey(params.initial.keyLine, "this client's own key");
  if (params.label !== undefined) checkClientLabel(params.label);
  let outcome: { client: AuthorizedClient; added: boolean } | undefined;
  const state = await updateClients(params, (clients, present) => {
    let list = clients;
    if (!present && initial !== undefined && initial.key !== key.key) {
      list = [newClient(initial, params.initial?.label, list)];
    }
    const existing = list.find((c) => c.key === key.key);
    if (existing !== undefined) {
      const renamed = params.label !== undefined && params.label !== existing.label ? { ...existing, label: refuseTaken(params.label, list, key) } : existing;
      outcome = { client: renamed, added: false };
      return renamed === existing && present ? undefined : list.map((c) => (c === existing ? renamed : c));
    }
    const client = params.label === undefined ? newClient(key, undefined, list) : { ...newClient(key, undefined, list), label: refuseTaken(params.label, list, key) };
    outcome = { client, added: true };
    return [...list, client];
  });
  if (outcome === undefined) throw new Error('authorizeClient: the update never ran');
  return { ...outcome, state };
}

export interface RevokeClientParams {
  readonly storage: Storage;
  /** `type base64` of the key to remove (see `findAuthorizedClient`). */
  readonly key: string;
  /** Keys that must stay (this client's own): revoking one is `CONFIG_INVALID`. */
  readonly keep?: readonly string[] | undefined;
  /** Give the revoked key's label to this key (a rotation's new key), in the same write. */
  readonly labelTo?: string | undefined;
  /** The environment's name, for messages. */
  readonly environment?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Removes a client's key from provider-state. Refused (`CONFIG_INVALID`, nothing written)
 * when it is a key in `keep`, or the last key listed: an environment nobody can log in to
 * cannot be repaired by envboot. A key not listed is a no-op (`removed` false).
 */
export async function revokeClient(params: RevokeClientParams): Promise<{ removed: AuthorizedClient | undefined; state: ProviderState }> {
  let removed: AuthorizedClient | undefined;
  const state = await updateClients(params, (clients) => {
    removed = clients.find((c) => c.key === params.key);
    if (removed === undefined) return undefined;
    if (params.keep?.includes(params.key) === true) {
      throw new ConfigError(`${describe(removed)} is this client's own key: run "envboot rotate-client-key" to replace it, or revoke it from another authorized client. Nothing was changed`);
    }
    const rest = clients.filter((c) => c !== removed);
    if (rest.length === 0) {
      const of = params.environment === undefined ? '' : ` of "${params.environment}"`;
      throw new ConfigError(`${describe(removed)} is the last authorized key${of}: revoking it would leave no client able to log in; authorize another key first. Nothing was changed`);
    }
    const label = removed.label;
    return params.labelTo === undefined ? rest : rest.map((c) => (c.key === params.labelTo ? { ...c, label } : c));
  });
  return { removed, state };
}

/**
 * The listed client a selector names: a key line (or `type base64`), a fingerprint
 * (`SHA256:…`), or a label. `CONFIG_INVALID` listing the known ones when none matches.
 */
export function findAuthorizedClient(clients: readonly AuthorizedClient[], selector: string): AuthorizedClient {
  const text = selector.trim();
  let found: AuthorizedClient | undefined;
  if (/^SHA256:/.test(text)) found = clients.find((c) => c.fingerprint === text);
  else if (/\s/.test(text) || text.includes('-----BEGIN')) found = clients.find((c) => c.key === parseClientPublicKey(text).key);
  else found = clients.find((c) => c.label === text);
  if (found !== undefined) return found;
  const known = clients.length === 0 ? 'none is listed' : `the authorized keys are ${clients.map(describe).join(', ')}`;
  throw new ConfigError(`no authorized key matches "${text.slice(0, 80)}" (give a key line or .pub file, a fingerprint SHA256:…, or a label); ${known}. Nothing was changed`);
}

function describe(client: AuthorizedClient): string {
  return `"${client.label}" (${client.fingerprint})`;
}

function newClient(key: ClientPublicKey, label: string | undefined, list: readonly AuthorizedClient[]): AuthorizedClient {
  const base = label ?? (labelPattern.test(key.comment) ? key.comment : 'client');
  const taken = list.some((c) => c.label === base);
  // A short piece of the fingerprint keeps two keys with the same comment (envboot-demo on two clients) apart.
  const unique = taken ? `${base.slice(0, 55)}-${key.fingerprint.slice(7, 15).replace(/[^A-Za-z0-9]/g, 'x')}` : base;
  return { key: key.key, label: unique, fingerprint: key.fingerprint, addedAt: new Date().toISOString() };
}

function refuseTaken(label: string, list: readonly AuthorizedClient[], key: ClientPublicKey): string {
  const other = list.find((c) => c.label === label && c.key !== key.key);
  if (other !== undefined) throw new ConfigError(`the label "${label}" names another authorized key (${other.fingerprint}); choose another with --label. Nothing was changed`);
  return label;
}

/**
 * The list a bootstrap's claim starts provider-state with: the bootstrapping client's own
 * key. Written in the claim itself (no extra write), so that from the first moment the
 * list says who may log in, and a machine another client adds before anyone ran
 * `authorize` still lets the bootstrapping client in.
 */
export function initialAuthorizedClients(keyLine: string): Record<string, unknown> {
  return { [clientsKey]: [toYaml(newClient(parseClientPublicKey(keyLine, "this client's own key"), undefined, []))] };
}

/**
 * Read–modify–compare-and-swap of the list. `change` gets the listed clients and whether
 * provider-state has a list at all; it returns the new list, or undefined to write nothing.
 */
async function updateClients(
  params: { storage: Storage; known?: LoadedState | undefined; signal?: AbortSignal | undefined },
  change: (clients: AuthorizedClient[], present: boolean) => AuthorizedClient[] | undefined,
): Promise<ProviderState> {
  return updateState({
    storage: params.storage,
    update: (state) => {
      const next = change(authorizedClients(state), Array.isArray(state.fields[clientsKey]));
      return next === undefined ? state : { ...state, fields: { ...state.fields, [clientsKey]: next.map(toYaml) } };
    },
    ...(params.known === undefined ? {} : { known: params.known }),
    ...signalOf(params),
  });
}

function toYaml(client: AuthorizedClient): Record<string, unknown> {
  return { key: client.key, label: client.label, 'added-at': client.addedAt };
}
