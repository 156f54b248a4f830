import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";

/**
 * Why a certificate and key given as one client identity cannot be used together, or null when they can.
 * A pair that does not match fails every handshake that asks for it, and every check built on the trusted
 * identity would then rest on an identity that was never presented: so the scan refuses it at start-up.
 */
export function clientPairProblem(
  pair: { certPem: string; keyPem: string },
  names: { cert: string; key: string },
): string | null {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pair.certPem);
  } catch (error) {
    return `${names.cert} holds no certificate node:crypto can read (${(error as Error).message})`;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pair.keyPem);
  } catch (error) {
    const reason = (error as Error).message;
    return /passphrase|encrypted/i.test(reason)
      ? `${names.key} is encrypted; give an unencrypted key`
      : `${names.key} holds no private key node:crypto can read (${reason})`;
  }
  if (!certificate.checkPrivateKey(key)) {
    return `${names.key} is not the private key of ${names.cert} (subject ${certificate.subject.replaceAll("\n", ", ")}): the pair does not match`;
  }
  return null;
}
