import type { Environ } from '../environ.js';
import type { AddressScope } from '../instance.js';
import { implementsAbility } from './ability-methods.js';

/**
 * A host that machines are reached through (OpenSSH's ProxyJump): a bastion in the
 * machines' network, for environments whose machines have no address the client can
 * reach directly. Its host key is pinned like a machine's.
 */
export interface JumpHost {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The jump host's public keys (OpenSSH lines); any other key is refused. */
  readonly hostKeys: readonly string[];
  /** The private key it accepts; the environment's client key when absent. Secret. */
  readonly privateKey?: string;
  /** Where `privateKey` was read from, for OpenSSH's `-i` (never the key itself). */
  readonly identityFile?: string;
}

/** How the client reaches this environment's machines over SSH. */
export interface SshRoute {
  /** Reach every machine address through this host. */
  readonly jumpHost?: JumpHost;
  /** Address scopes worth trying, most preferred first; absent means all but link-local. */
  readonly scopes?: readonly AddressScope[];
}

/**
 * The SSH route ability: an Environ whose machines are not reached directly on every
 * address they report, but through a jump host, or on some scopes only (private
 * addresses, say). Common code (waitSSH, connectMachine, `envboot ssh`) asks for it once
 * per operation.
 */
export interface RoutedEnviron extends Environ {
  /**
   * Resolves the route: reads identity files, looks up the jump host's key. Fails with
   * `CONFIG_INVALID` when the route is configured but unusable (an unreadable identity
   * file, a jump host whose key is not known).
   */
  sshRoute(params: { readonly signal?: AbortSignal }): Promise<SshRoute>;
}

export function hasSshRoute(environ: Environ): environ is RoutedEnviron {
  return implementsAbility(environ, 'ssh-route');
}

/** The route to `environ`'s machines: its own, or direct on every address. */
export async function sshRouteOf(environ: Environ, params: { readonly signal?: AbortSignal } = {}): Promise<SshRoute> {
  return hasSshRoute(environ) ? environ.sshRoute(params) : {};
}

/**
 * The jump host as an SSH connection target: its own key when it has one, otherwise
 * `clientPrivateKey` (the environment's client key). Undefined when there is no jump host.
 */
export function jumpTargetOf(
  route: SshRoute,
  clientPrivateKey: string,
): { host: string; port: number; user: string; privateKey: string; hostKeys: readonly string[] } | undefined {
  const jump = route.jumpHost;
  if (jump === undefined) return undefined;
  return { host: jump.host, port: jump.port, user: jump.user, privateKey: jump.privateKey ?? clientPrivateKey, hostKeys: jump.hostKeys };
}

/** `addresses` that the route allows, in its order of preference (unchanged when it names no scopes). */
export function routeAddresses<A extends { readonly scope: AddressScope }>(route: SshRoute, addresses: readonly A[]): A[] {
  const scopes = route.scopes;
  if (scopes === undefined) return addresses.filter((address) => address.scope !== 'link-local');
  return addresses.filter((address) => scopes.includes(address.scope)).sort((a, b) => scopes.indexOf(a.scope) - scopes.indexOf(b.scope));
}
