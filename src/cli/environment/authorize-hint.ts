import { shellQuote } from '../../../cloudinit/index.js';
import { ConfigError, SshAuthRefusedError, isSshAuthRefused } from '../../errors/index.js';
import { parseClientPublicKey, type SshKeyPair } from '../../ssh/index.js';
import { authorizedClients, type ProviderState } from '../../state/index.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/**
 * The command an operator whose client is already authorized runs to let this client's
 * key in: only the public half travels, as a line anyone may read.
 *
 * @example
 * authorizeCommand({ environment: 'prod', publicKey: 'ssh-ed25519 AAAA… envboot-prod-ci@runner' });
 * // "envboot authorize prod 'ssh-ed25519 AAAA… envboot-prod-ci@runner'"
 */
export function authorizeCommand(params: { environment: string; publicKey: string }): string {
  return `envboot authorize ${params.environment} ${shellQuote(params.publicKey.trim())}`;
}

/**
 * A refused login of a client that attached the environment (rather than bootstrapping
 * it) is almost always a key nobody authorized yet, or one that was revoked: said so,
 * with the command that lets it in, instead of a bare "authentication refused". Any other
 * error, or a refusal of the bootstrapping client, is returned as it is.
 */
export function explainRefusedLogin(params: { environment: ResolvedEnvironment; machineId: string; clientKey: SshKeyPair; error: unknown }): unknown {
  const { environment, error } = params;
  if (environment.record?.attachment === undefined || !isSshAuthRefused(error)) return error;
  return new SshAuthRefusedError(
    `machine ${params.machineId} of "${environment.name}" refused this client's key: this client attached the environment and is not authorized on its machines ` +
      `(not yet, or no longer); an operator whose client is authorized lets it in with: ${authorizeCommand({ environment: environment.name, publicKey: params.clientKey.publicKey })}`,
    { cause: error },
  );
}

/**
 * Refuses (`CONFIG_INVALID`, nothing written) to let a client that provider-state does not
 * list change who may log in: its key reaches no machine, so `authorize`, `revoke` or
 * `rotate-client-key` would change provider-state's list and then fail on every machine.
 * An environment whose provider-state lists no client (bootstrapped by an older envboot)
 * is not checked: its list starts with this client's key.
 */
export function requireListedClient(params: { environment: string; state: ProviderState | undefined; clientKey: SshKeyPair; what: string }): void {
  const listed = params.state === undefined ? [] : authorizedClients(params.state);
  const own = parseClientPublicKey(params.clientKey.publicKey, "this client's key");
  if (listed.length === 0 || listed.some((client) => client.key === own.key)) return;
  throw new ConfigError(
    `this client's key (${own.fingerprint}) is not authorized for "${params.environment}", so it cannot ${params.what}: ` +
      `an operator whose client is authorized lets it in first with: ${authorizeCommand({ environment: params.environment, publicKey: params.clientKey.publicKey })}. Nothing was changed`,
  );
}
