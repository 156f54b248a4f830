import "node-forge";

// node-forge exports getTBSCertificate at runtime (mint.ts builds on it); @types/node-forge omits it.
declare module "node-forge" {
  namespace pki {
    function getTBSCertificate(cert: Certificate): asn1.Asn1 & { value: asn1.Asn1[] };
  }
}
