/**
 * The CLI's configuration layer: where files are (`resolvePaths`), the environments file
 * (`loadEnvironmentsFile`), and cloud-config files named on the command line
 * (`loadCloudConfigFile`). Every bad input is a `ConfigError` listing every problem.
 */
export { checkEnvironmentName, expandHome, maxEnvironmentNameLength, resolvePaths, type EnvbootPaths, type ResolvePathsParams } from './paths.js';
export {
  loadEnvironmentsFile,
  topLevelKeys,
  type EnvironmentDefinition,
  type EnvironmentsFile,
  type LoadEnvironmentsFileParams,
  type ProviderLookup,
} from './environments-file.js';
export { environmentKeys } from './environment-definition.js';
export {
  checkCloudConfigFile,
  loadCloudConfigFile,
  type CheckCloudConfigFileResult,
  type CloudConfigFileFailure,
} from './cloud-config-file.js';
export { readYamlFile, type ReadYamlResult } from './yaml-file.js';
