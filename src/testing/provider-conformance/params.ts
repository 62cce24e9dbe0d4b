import type { TestContext } from 'node:test';
import type { Constraints, Environ, Provider } from '../../provider/index.js';
import type { SshKeyPair } from '../../ssh/index.js';
import type { WaitSshTunables } from '../../wait-ssh/index.js';

/** One environment opened for one check, and how to remove what the fixture itself made. */
export interface ProviderFixture {
  /** An Environ of a fresh environment (a new UUID): the kit refuses one that has instances. */
  readonly environ: Environ;
  /**
   * Opens another Environ of the same environment, as a later process would (`provider.open`
   * with the same identity, config and `dataDir`): the CLI opens one per command, so a
   * machine started through one must be listed, reached and stopped through another.
   */
  readonly reopen: () => Promise<Environ>;
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
  /**
   * How long a stopped instance may stay listed by `allInstances`. Default 60 s. Also how
   * long its addresses may still answer SSH once `stopInstances` with `waitUntilGone`
   * returned, 10 s at most.
   */
  readonly goneTimeoutMs?: number;
  /** Constraints for the machines the checks start. Default `{}`. */
  readonly constraints?: Constraints;
  /**
   * The kit's safety net: every machine the provider has running, whatever its
   * environment, seen and stopped without the Environ (whose bugs the kit looks for).
   * After each check, a machine that runs but was not running before is a leak: the
   * check fails, naming it, and the kit stops it. Without a census, the net is a fresh
   * Environ's listing (`reopen`), which misses a machine the provider forgot.
   */
  readonly census?: MachineCensus;
  /**
   * The provider, for the config check: `validateConfig` must report every problem of a
   * bad config at once, each with its path, and never throw.
   */
  readonly provider?: Pick<Provider, 'name' | 'validateConfig'>;
  /**
   * Configs `validateConfig` must refuse, each with the paths of every problem in it (two
   * mistakes, two paths: all reported in one pass). The kit adds its own (not a mapping,
   * an unknown key).
   */
  readonly invalidConfigs?: readonly InvalidConfig[];
  /**
   * Makes the provider refuse starts in `zone` of `environ`'s environment (as a full zone:
   * `CAPACITY_UNAVAILABLE`) until the returned function is called: the kit then checks
   * that bootstrap fails over to the next zone. It is given the Environ because a fault is
   * often the environment's own (the fake's `faults`). Providers that cannot be told so
   * leave it out, and the check is skipped, saying why.
   */
  readonly refuseZone?: (environ: Environ, zone: string) => Promise<() => Promise<void>>;
  /**
   * The placement directive of each machine the kit starts (`StartInstanceParams.placement`,
   * bootstrap's `placement`), for a provider that needs one: the manual provider's host to
   * enrol (`ubuntu@203.0.113.7:22`). Called once per start, so each machine may get a host
   * of its own. Default: no placement.
   */
  readonly placement?: ((context: PlacementContext) => Promise<string>) | undefined;
  /**
   * Checks that do not apply to this provider by design, by title exactly as registered,
   * each with why (`'stops a machine for real: …': 'stop releases a host that keeps running'`).
   * They are skipped with `not applicable: ${reason}`; a title that names no check fails the
   * suite, so a typo cannot skip nothing in silence. A check that fails because of a bug
   * is not one of these: fix the provider.
   */
  readonly notApplicable?: Readonly<Record<string, string>> | undefined;
}

/** What `placement` is told about the start it places. */
export interface PlacementContext {
  /** The envboot machine id being started (`0` for a controller, `1` for most checks). */
  readonly machineId: string;
  /** The check's test context: tie what the placement makes to it (`t.after`), or skip. */
  readonly t: TestContext;
}

/** Every machine a provider has running, seen from outside its Environs. */
export interface MachineCensus {
  /** Ids of every live machine, in every environment. */
  live(): Promise<readonly string[]>;
  /** Stops machines by id, whatever environment they belong to. */
  stop(ids: readonly string[]): Promise<void>;
}

/** A config `validateConfig` must refuse, and the path of each problem it has. */
export interface InvalidConfig {
  readonly config: unknown;
  readonly paths: readonly string[];
}

/** What one check works with. */
export interface CheckContext {
  readonly environ: Environ;
  /** The fixture `environ` came from: `reopen` opens it again as another process would. */
  readonly fixture: ProviderFixture;
  readonly params: ProviderConformanceParams;
  /** The client key every machine of the run trusts. */
  readonly clientKey: SshKeyPair;
  readonly t: TestContext;
}

/** A check's body: it runs on a clean environment, and the kit sweeps up after it. */
export type CheckBody = (context: CheckContext) => Promise<void>;
