export {
  apiserverIdentityFor,
  IdentityFileError,
  type IdentitySources,
  type PresentedIdentity,
  prepareScanIdentities,
  type ScanIdentities,
  trustedIdentityFor,
} from "./scanIdentities.js";
