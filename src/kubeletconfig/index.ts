export { CONFIGZ_PATH, gatherKubeletConfig, type KubeletConfigRequest } from "./gatherKubeletConfig.js";
export { type ParsedConfigz, parseConfigz } from "./parseConfigz.js";
export {
  type ProxiedConfigSource,
  proxiedKubeletConfigReader,
} from "./proxiedKubeletConfig.js";
