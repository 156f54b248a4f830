export { clientPairProblem } from "./clientPair.js";
export {
  apiserverIdentityFor,
  checkClientPairFiles,
  IdentityFileError,
  type IdentitySources,
  type PresentedIdentity,
  prepareScanIdentities,
  type ScanIdentities,
  trustedIdentityFor,
} from "./scanIdentities.js";
