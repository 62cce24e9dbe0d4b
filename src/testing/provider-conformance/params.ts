import type { TestContext } from 'node:test';
import type { Constraints, Environ } from '../../provider/index.js';
import type { SshKeyPair } from '../../ssh/index.js';
import type { WaitSshTunables } from '../../wait-ssh/index.js';

/** One environment opened for one check, and how to remove what the fixture itself made. */
export interface ProviderFixture {
  /** An Environ of a fresh environment (a new UUID): the kit refuses one that has instances. */
  readonly environ: Environ;
  /**
   * Removes what the fixture made (a data directory, a client): called after the kit has
   * stopped the check's machines, torn the environment down and emptied its storage, even
   * when the check failed.
   */
  readonly cleanup?: () => Promise<void>;
}

export interface ProviderConformanceParams {
  /** The suite is titled `provider conformance: ${name}`. */
  readonly name: string;
  /**
   * Opens an Environ of a fresh environment for one check. Returns undefined, after
   * calling `t.skip(reason)`, where this host cannot run the provider at all (outside CI
   * only: in CI a missing capability must fail the check, so throw instead).
   */
  readonly open: (t: TestContext) => Promise<ProviderFixture | undefined>;
  /** waitSSH knobs for the boot probe (fast refreshes for fakes); default waitSSH's own. */
  readonly waitSsh?: { readonly timeoutMs?: number; readonly tunables?: WaitSshTunables };
  /** How long a stopped instance may stay listed by `allInstances`. Default 60 s. */
  readonly goneTimeoutMs?: number;
  /** Constraints for the machines the checks start. Default `{}`. */
  readonly constraints?: Constraints;
}

/** What one check works with. */
export interface CheckContext {
  readonly environ: Environ;
  readonly params: ProviderConformanceParams;
  /** The client key every machine of the run trusts. */
  readonly clientKey: SshKeyPair;
  readonly t: TestContext;
}

/** A check's body: it runs on a clean environment, and the kit sweeps up after it. */
export type CheckBody = (context: CheckContext) => Promise<void>;
