// forge's ASN.1 reader alone (lib/asn1.js is module.exports = forge.asn1): six modules where the package's
// index loads forty-three, which was most of a scan's start-up. The certificate builder loads the rest.
declare module "node-forge/lib/asn1.js" {
  import type forge from "node-forge";

  const asn1: typeof forge.asn1;
  export default asn1;
}
