export { fakeCapabilities } from './capabilities.js';
export {
  createFakeProvider,
  type CreateFakeProviderParams,
  type FakeProvider,
  type FakeProviderContract,
} from './create-fake-provider.js';
export { FakeEnviron, type FakeCall } from './fake-environ.js';
export { FakeMachine } from './fake-machine.js';
export { noFaults, type FakeFaults } from './faults.js';
export { fakeInstanceTypes } from './instance-types.js';
export { validateFakeConfig, type FakeProviderConfig } from './validate-config.js';
