import { describe } from 'node:test';
import { checkBootProbe } from './provider-conformance/boot-probe.js';
import { checkRunner } from './provider-conformance/check-runner.js';
import { checkConfigValidation } from './provider-conformance/config-checks.js';
import { checkConfigureOverRoute } from './provider-conformance/configure-checks.js';
import { checkConsoleOutput } from './provider-conformance/console-checks.js';
import { checkFirewall } from './provider-conformance/firewall-checks.js';
import {
  checkCapabilities,
  checkFreshEnvironment,
  checkPreflight,
  checkPrepareIdempotent,
  checkTeardown,
  checkUnknownIds,
} from './provider-conformance/contract-checks.js';
import { checkStoppedMeansGone } from './provider-conformance/gone-checks.js';
import { checkStartedInstanceListed, checkStopUntilGone, checkZonesHonoured } from './provider-conformance/machine-checks.js';
import { checkOwnershipIsolation } from './provider-conformance/ownership-checks.js';
import type { ProviderConformanceParams } from './provider-conformance/params.js';
import { checkCoreCallsCancelled, checkRefusalIsEnvbootError, checkStartCancelled } from './provider-conformance/refusal-checks.js';
import { checkSurvivesReopen } from './provider-conformance/reopen-checks.js';
import { checkUserData } from './provider-conformance/user-data-checks.js';
import { checkZoneCapacity } from './provider-conformance/zone-capacity-checks.js';

export { assertCleanEnvironment } from './provider-conformance/clean-environment.js';
export type { InvalidConfig, MachineCensus, PlacementContext, ProviderConformanceParams, ProviderFixture } from './provider-conformance/params.js';

/**
 * The checks every provider must pass, as `node:test` suites, modelled on Arvados'
 * `cloudtest`: capabilities, config validation (given `provider`), preflight, prepare,
 * tagged starts found by the very next listing, a real boot proved over SSH (host key and
 * nonce, through the provider's SSH route), configuration over that route, zones, zone
 * fail-over (given `refuseZone`), stop until gone, stopped machines that stop answering
 * SSH, machines seen through another Environ (`reopen`), ownership isolation between two
 * environments, unknown ids, the console and user-data abilities (when implemented), envboot's error
 * family, cancellation, and teardown. Run it from the provider's own tests, against a
 * test account or a fake. A provider whose starts need a placement directive gives
 * `placement`; checks it breaks by design go in `notApplicable`, each with its reason.
 *
 * Each check opens a fresh environment with `open` and fails at once, deleting nothing,
 * when that environment already has instances (`assertCleanEnvironment`). Machines a
 * check starts are stopped when it ends, pass or fail; then the kit stops whatever the
 * environment still lists, tears it down, removes its storage and calls the fixture's
 * `cleanup`. A final `after` hook does the same for any check that could not.
 *
 * @example
 * const aws = await startFakeAws();
 * describeProviderConformance({
 *   name: 'ec2',
 *   open: () => {
 *     const environ = aws.environ();
 *     return Promise.resolve({ environ, reopen: () => Promise.resolve(aws.environ({ environment: environ.environment })) });
 *   },
 *   census: aws.census,
 *   waitSsh: { timeoutMs: 30_000, tunables: { refreshMinMs: 5, refreshMaxMs: 20 } },
 *   goneTimeoutMs: 5_000,
 * });
 *
 * @example
 * // A provider that cannot run on every host: skip (outside CI) from `open`.
 * describeProviderConformance({
 *   name: 'local',
 *   open: async (t) => {
 *     const dataDir = await mkdtemp(path.join(tmpdir(), 'conformance-'));
 *     const environ = await openLocal(t, { dataDir }); // calls t.skip and returns undefined where it cannot run
 *     if (environ === undefined) return undefined;
 *     const reopen = () => localProvider.open({ environment: environ.environment, config, dataDir });
 *     return { environ, reopen, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
 *   },
 * });
 */
export function describeProviderConformance(params: ProviderConformanceParams): void {
  describe(`provider conformance: ${params.name}`, () => {
    const check = checkRunner(params);
    check('implements each ability it starts whole, declares sound facts, and has a storage that round-trips an object', checkCapabilities);
    check('validates config without throwing, reporting every problem of a bad config at once, each with its path, unknown keys included', checkConfigValidation);
    check('lists no instances in a fresh environment (the kit refuses to run where it finds some)', checkFreshEnvironment);
    check('passes preflight twice without creating anything', checkPreflight);
    check('prepares idempotently: a second prepare finds the same resources and creates nothing', checkPrepareIdempotent);
    check('tags a started instance from creation and lists it in the very next listing', checkStartedInstanceListed);
    check('boots a machine that proves its host key and nonce over SSH, and refuses a client pinning another host key', checkBootProbe);
    check('configures a booted machine with cloud-config over its SSH route as its SSH user, and a later connection reads the result back', checkConfigureOverRoute);
    check('starts an instance in the zone asked for and reports that zone', checkZonesHonoured);
    check('bootstraps in the next zone when the first zone bootstrap tries is full (CAPACITY_UNAVAILABLE)', checkZoneCapacity);
    check('stops an instance until no listing shows it, and stops it again without error', checkStopUntilGone);
    check('stops a machine for real: once stopInstances returns, none of its addresses answers SSH and no census counts it', checkStoppedMeansGone);
    check('lists, reaches over SSH and stops a machine through another Environ of its environment, as a later process would', checkSurvivesReopen);
    check("keeps to its own environment: lists, shows, stops and destroys only machines carrying its tag, never another environment's", checkOwnershipIsolation);
    check('answers unknown instance ids with undefined, and stops them without error', checkUnknownIds);
    check("shows a console only for its own instances: undefined for an unknown id or another environment's, the last lines asked for, CANCELLED when aborted", checkConsoleOutput);
    check("gives back the user-data an instance was started with, byte for byte, for its own instances only: undefined for an unknown id or another environment's, CANCELLED when aborted", checkUserData);
    check("refuses a start in a zone that does not exist with one of envboot's errors, starting nothing", checkRefusalIsEnvbootError);
    check('rejects a start with an aborted signal with CANCELLED, starting nothing', checkStartCancelled);
    check('rejects every other core call with an aborted signal with CANCELLED', checkCoreCallsCancelled);
    check('opens, lists and closes ports idempotently, keeps reserved rules, and is CANCELLED when aborted (firewall ability)', checkFirewall);
    check('tears down without failures once its instances are gone, and again', checkTeardown);
  });
}
