/**
 * targets: what the user typed (addresses, CIDRs, ranges, host names, host:port, files, stdin) -> a lazy
 * stream of endpoints. Everything else in this folder is internal.
 */
export { AddressSet } from "./addressSet.js";
export { formatDryRunLine } from "./dryRun.js";
export { streamEndpoints, type TargetItem, validateTargets } from "./endpointStream.js";
export {
  PortListError,
  TargetError,
  TargetFileError,
  TargetSyntaxError,
  TargetTooLargeError,
} from "./errors.js";
export { formatIpAddress, type IpAddress, type IpFamily, ipv4ToMapped, parseIpAddress } from "./ipAddress.js";
export { parsePortList } from "./ports.js";
export { parseShard, type Shard, ShardSyntaxError, shardOf } from "./shard.js";
export { countAddresses, MAX_ADDRESSES_PER_EXPRESSION } from "./sizeGuard.js";
export { parseTarget, type TargetExpression } from "./targetExpression.js";
export { createTargetPlan, type TargetPlan, type TargetPlanFields } from "./targetPlan.js";
