export { exposePorts, requireFirewall, unexposePorts, type ExposePortsParams, type ExposeResult, type UnexposePortsParams, type UnexposeResult } from './change-ports.js';
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
export { allTraffic, formatPortRange, overlaps, parsePortRange, type ParsePortRangeResult, type PortRange } from './port-range.js';
export { everyone, parseSourceCidr, type ParseSourceCidrResult } from './source-cidr.js';
