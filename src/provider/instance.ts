/**
 * What envboot knows about one machine, as a provider reports it. Plain data: to see
 * changes, ask the Environ again (`Environ.instances`).
 */
export interface Instance {
  /** The provider's id for the machine (`i-0abc…`, `local-3`, `ubuntu@host`). */
  readonly id: string;
  readonly status: InstanceStatus;
  /** Every address the machine can currently be reached on; may be empty while it boots. */
  readonly addresses: readonly Address[];
  /** The availability zone, where the provider has zones. */
  readonly zone?: string;
  readonly hardware?: Hardware;
  /** The tags the instance carries, including envboot's ownership tags (see `tags.ts`). */
  readonly tags: Readonly<Record<string, string>>;
  /** A provider-specific message about the status, e.g. why an instance failed. */
  readonly statusMessage?: string;
  /** The user to log in as on this machine, when it is not the Environ's `sshUser` (manual hosts). */
  readonly sshUser?: string;
}

/**
 * Lifecycle of an instance. `failed` is terminal and means it will never boot (so
 * waiting for it is pointless); `terminated` means it is gone or going.
 */
export type InstanceStatus = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated' | 'failed' | 'unknown';

/**
 * Where an address can be reached from, as in Juju: `public` from anywhere, `cloud-local`
 * from inside the cloud or VPC, `machine-local` from the machine itself, `link-local` not
 * routable at all.
 */
export type AddressScope = 'public' | 'cloud-local' | 'machine-local' | 'link-local';

export interface Address {
  /** An IPv4 or IPv6 literal, or a host name. */
  readonly value: string;
  readonly scope: AddressScope;
  /** The SSH port on this address; 22 when absent. */
  readonly port?: number;
}

/** The machine's hardware, where the provider knows it. Sizes are in MiB. */
export interface Hardware {
  readonly arch?: string;
  readonly cores?: number;
  readonly memoryMiB?: number;
  readonly rootDiskMiB?: number;
  readonly instanceType?: string;
  /** Spare capacity the cloud may take back at any time (EC2 Spot), which ends the machine. */
  readonly spot?: boolean;
}

/** `host:port`, with IPv6 literals in brackets, as used in messages and as map keys. */
export function formatAddress(address: Address): string {
  const host = address.value.includes(':') ? `[${address.value}]` : address.value;
  return `${host}:${address.port ?? 22}`;
}
