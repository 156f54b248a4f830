export {
  type CertificateIndexEntry,
  INDEX_FILE,
  type LabPkiIndex,
  type LabPkiIndexEntry,
  type PrivateKeyIndexEntry,
} from "./labPkiIndex.js";
export {
  DEFAULT_APISERVER_NAMES,
  DEFAULT_NODE_NAMES,
  KUBERNETES_SERVICE_IP,
  KUBERNETES_SERVICE_NAMES,
  type LabPkiOptions,
  LabPkiOptionsError,
} from "./labPkiPlan.js";
export { LabPkiExistsError, writeLabPki } from "./writeLabPki.js";
