export {
  apiserverIdentityFor,
  IdentityFileError,
  type IdentitySources,
  type PresentedIdentity,
  prepareScanIdentities,
  type ScanIdentities,
} from "./scanIdentities.js";
