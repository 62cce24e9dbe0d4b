import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/** One ingress rule: a port range of one protocol, open to a set of source ranges. */
export interface IngressRule {
  readonly protocol: 'tcp' | 'udp';
  /** 1 to 65535; `fromPort <= toPort`. */
  readonly fromPort: number;
  readonly toPort: number;
  /**
   * Source ranges in CIDR notation, without host bits, IPv6 in its canonical lower-case
   * form (`parseSourceCidr` gives it): `203.0.113.0/24`, `2001:db8::/32`; `0.0.0.0/0` and
   * `::/0` open to everyone.
   */
  readonly sourceCidrs: readonly string[];
}

/**
 * The firewall ability: ports of the environment's machines opened to sources outside it
 * (Juju's `expose`), on every machine at once, as a cloud's security group does. What
 * envboot itself needs (SSH from the configured sources, traffic between the
 * environment's machines) is the provider's business and is neither listed nor closed
 * here. Each rule of `openPorts` and `closePorts` stands for every pair of its port range
 * and one of its sources.
 */
export interface FirewalledEnviron extends Environ {
  /**
   * What is open, one rule per protocol and port range with its sources sorted, rules
   * sorted by protocol and port. Rules opened on the cloud by other means are listed too.
   * An environment whose shared resources do not exist yet has none.
   */
  ingressRules(params: { readonly signal?: AbortSignal }): Promise<readonly IngressRule[]>;
  /**
   * Opens the rules. Idempotent: what is already open is success, and only what is
   * missing is asked of the cloud. Needs the shared resources (`prepare`) to exist.
   */
  openPorts(params: { readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Closes exactly the given pairs (a range is closed whole, never split). Idempotent:
   * what is not open is success. Refuses with `CONFIG_INVALID`, closing nothing, a pair
   * envboot's own SSH needs.
   */
  closePorts(params: { readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal }): Promise<void>;
}

export function hasFirewall(environ: Environ): environ is FirewalledEnviron {
  return implementsAbility(environ, 'firewall');
}
