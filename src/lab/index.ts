export type { LabNode } from "./apiserverEmulator.js";
export {
  type Lab,
  type LabListener,
  type LabOptions,
  type LabPostureInstance,
  startLab,
} from "./lab.js";
export { DEFAULT_LAB_NETWORK } from "./labNetwork.js";
export type { LabPki } from "./labPki.js";
export type { ListenerExpectation } from "./posture.js";
export {
  APISERVER_PORT,
  KUBELET_PORT,
  KUBELET_READONLY_PORT,
  LAB_ADMIN_TOKEN,
  POSTURES,
} from "./postures.js";
