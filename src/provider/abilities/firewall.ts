import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';

/** One ingress rule: a port range open to a set of source CIDRs. */
export interface IngressRule {
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  readonly fromPort: number;
  readonly toPort: number;
  /** Source ranges, e.g. `203.0.113.0/24`; `0.0.0.0/0` opens to everyone. */
  readonly sourceCidrs: readonly string[];
}

/**
 * The firewall ability: the environment's ingress rules, applied to every machine.
 * Opening an open rule or closing a closed one is success (idempotent).
 */
export interface FirewalledEnviron extends Environ {
  ingressRules(params: { readonly signal?: AbortSignal }): Promise<readonly IngressRule[]>;
  openPorts(params: { readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal }): Promise<void>;
  closePorts(params: { readonly rules: readonly IngressRule[]; readonly signal?: AbortSignal }): Promise<void>;
}

export function hasFirewall(environ: Environ): environ is FirewalledEnviron {
  return implementsAbility(environ, 'firewall');
}
