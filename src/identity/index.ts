export {
  apiserverIdentityFor,
  IdentityFileError,
  type IdentitySources,
  prepareScanIdentities,
  type ScanIdentities,
} from "./scanIdentities.js";
