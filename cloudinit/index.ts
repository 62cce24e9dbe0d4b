/**
 * `envboot/cloudinit`: the cloud-config model, its validation, and its two renderers:
 * user-data for cloud-init at first boot, and a shell script that applies the same
 * config over SSH. Imports nothing from the rest of envboot.
 */
export type * from './model.js';
export { fileEncodings, hostKeyNames } from './model.js';
export { CloudConfigError, type CloudConfigProblem } from './cloud-config-error.js';
export { assertValidCloudConfig, supportedKeys, validateCloudConfig, type ValidateCloudConfigResult } from './validate.js';
export { CloudConfigBuilder } from './builder.js';
export { decodeContent } from './file-content.js';
export { toCloudConfigYaml } from './cloud-config-yaml.js';
export { renderUserData, type RenderUserDataOptions, type RenderedUserData, type UserDataScript } from './user-data.js';
export { renderScript, type RenderScriptOptions } from './script/render-script.js';
export { quote as shellQuote } from './script/shell-quote.js';
export { parseUserData } from './parse-user-data.js';
export {
  alwaysDirect,
  describeMachineProxies,
  hasMachineProxies,
  machineProxyApt,
  machineProxyEnvironment,
  withMachineProxies,
  type MachineConfiguration,
  type MachineProxySettings,
} from './machine-proxies.js';
export { noProxyEntryProblem, proxyUrlExample, redactUrl, urlHost, urlProblem, type CheckUrlOptions } from './proxy-url.js';
export { aptMirrorSchemes, aptProxySchemes } from './validate-apt-mirrors.js';
export type { ScriptEnvironment } from './script/environment-steps.js';
