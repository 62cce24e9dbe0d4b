/**
 * Kits for people who build on envboot: conformance suites that any implementation of a
 * contract runs from its own tests. Imports `node:test`, so only import it from tests.
 */
export {
  describeStorageConformance,
  type ChildStorageOpener,
  type StorageConformanceParams,
  type StorageFixture,
} from './storage-conformance.js';
export { incrementCounter } from './cas-counter.js';
export { SshTestHost, type SshTestHostParams } from './ssh-test-host.js';
export { CloudUserSystem, type CloudUserSudo, type CloudUserSystemParams, type SystemCommand } from './cloud-user-system.js';
export { loginRefusal } from './login-refusal.js';
export { closedPort, startTarpit, type Tarpit } from './bad-addresses.js';
export {
  createFakeProvider,
  fakeCapabilities,
  fakeInstanceTypes,
  FakeEnviron,
  FakeMachine,
  noFaults,
  validateFakeConfig,
  type CreateFakeProviderParams,
  type FakeCall,
  type FakeFaults,
  type FakeProvider,
  type FakeProviderConfig,
  type FakeProviderContract,
} from './fake-provider/index.js';
export {
  assertCleanEnvironment,
  describeProviderConformance,
  type InvalidConfig,
  type MachineCensus,
  type PlacementContext,
  type ProviderConformanceParams,
  type ProviderFixture,
} from './provider-conformance.js';
