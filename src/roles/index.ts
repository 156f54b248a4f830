/**
 * roles: what each Kubernetes component kubetls scans is, as data. Ports, trust bundles, identities, paths
 * and detection hints are looked up here by role; nothing else in the pipeline branches on a role's name.
 */
export {
  type AnswerHint,
  DETECTION_ORDER,
  DETECTION_PATHS,
  isScannedRole,
  mapRoles,
  ROLE_DEFINITIONS,
  type RoleDefinition,
  type RolePortOptionKey,
  roleDefinition,
  SCANNED_ROLES,
  type ScannedRole,
  type TrustBundle,
  type TrustedIdentityKind,
} from "./roleDefinitions.js";
export {
  defaultRolePorts,
  onlyRolePorts,
  type PortRole,
  portRolesOf,
  portsPerHost,
  type RolePorts,
  rolePortsWith,
} from "./rolePorts.js";
export {
  type AnchorsByBundle,
  anchorsForRole,
  loadTrustBundles,
  TRUST_BUNDLES,
  type TrustBundleFiles,
} from "./trustBundles.js";
