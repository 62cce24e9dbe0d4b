import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/**
 * One ingress rule: a port range of one protocol, open to a set of source ranges.
 * `all` is every protocol and port (a cloud's "all traffic"), with ports 0 to 65535.
 */
export interface IngressRule {
  readonly protocol: 'tcp' | 'udp' | 'all';
  /** 0 to 65535 (0 only where a cloud's rule starts there, as EC2's "All TCP" does); `fromPort <= toPort`. */
  readonly fromPort: number;
  readonly toPort: number;
  /**
   * Source ranges in CIDR notation, without host bits, IPv6 in its canonical lower-case
   * form (`parseSourceCidr` gives it): `203.0.113.0/24`, `2001:db8::/32`; `0.0.0.0/0` and
   * `::/0` open to everyone.
   */
  readonly sourceCidrs: readonly string[];
  /**
   * Set by `ingressRules` on what the provider keeps open for envboot itself, saying what
   * (`envboot SSH (ssh-cidr)`): listed so that nothing open is hidden, never closed by
   * `closePorts`. Absent on rules an operator can close.
   */
  readonly reserved?: string | undefined;
}

export interface IngressRulesParams {
  readonly signal?: AbortSignal | undefined;
}

export interface ChangePortsParams {
  readonly rules: readonly IngressRule[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * The firewall ability: ports of the environment's machines opened to sources outside it
 * (Juju's `expose`), on every machine at once, as a cloud's security group does. Traffic
 * between the environment's machines is the provider's business and is not a rule here.
 * Each rule of `openPorts` and `closePorts` stands for every pair of its port range and
 * one of its sources.
 */
export interface FirewalledEnviron extends Environ {
  /**
   * Everything open to outside sources, rules made by other means included: one rule per
   * protocol, port range and `reserved`, its sources sorted; rules sorted by protocol and
   * port. An environment whose shared resources do not exist yet has none.
   */
  ingressRules(params: IngressRulesParams): Promise<readonly IngressRule[]>;
  /**
   * Opens the rules. Idempotent: what is already open (reserved pairs included) is
   * success, and only what is missing is asked of the cloud. Needs the shared resources
   * (`prepare`) to exist.
   */
  openPorts(params: ChangePortsParams): Promise<void>;
  /**
   * Closes exactly the given pairs (a range is closed whole, never split). Idempotent:
   * what is not open is success. Refuses with `CONFIG_INVALID`, closing nothing, a
   * reserved pair.
   */
  closePorts(params: ChangePortsParams): Promise<void>;
}

export function hasFirewall(environ: Environ): environ is FirewalledEnviron {
  return implementsAbility(environ, 'firewall');
}
