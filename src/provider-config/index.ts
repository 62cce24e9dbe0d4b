/**
 * `envboot/provider-config`: what checking a provider's config takes, light to load (no
 * SSH, YAML, logging or cloud SDK modules), so that a provider's descriptor and
 * `validateConfig` stay cheap to import: problems and `ConfigError`, constraints, host
 * specs, OpenSSH public key lines, source address ranges, envboot's tag keys, durations
 * (`checkDuration`) and the distance behind "did you mean" hints. All but `editDistance`
 * and the duration helpers are in `envboot` too; the contract's types come from there, with
 * `import type`, at no cost.
 */
export { ConfigError, formatProblem, type ConfigErrorOptions, type Problem } from '../errors/config-error.js';
export {
  constraintKeys,
  formatConstraints,
  mergeConstraints,
  parseConstraints,
  supportedArches,
  validateConstraints,
  type ValidateConstraintsResult,
} from '../provider/parse-constraints.js';
export { parseHostSpec, type HostSpec } from '../ssh/ssh-target.js';
export { blobNamesType, hostKeyTypes, publicKeyLine } from '../ssh/public-key-line.js';
export { editDistance } from '../util/edit-distance.js';
export { parseSourceCidr, type ParseSourceCidrResult } from '../firewall/source-cidr.js';
export { checkDuration, type DurationCheck } from '../util/duration.js';
export { TagKey } from '../provider/tags.js';
export { parseRfc3339 } from '../state/environment-expiry.js';
