export { exposePorts, requireFirewall, unexposePorts, type ExposeResult, type UnexposeResult } from './change-ports.js';
export {
  formatIngressRule,
  groupPairs,
  mergeRules,
  pairKey,
  pairsOf,
  parseExposeRequest,
  parsePortRanges,
  parseSources,
  type ExposeRequest,
  type IngressPair,
} from './ingress-rules.js';
export { formatPortRange, parsePortRange, type ParsePortRangeResult, type PortRange } from './port-range.js';
export { everyone, parseSourceCidr, type ParseSourceCidrResult } from './source-cidr.js';
