import { type MintedCertificate, mintCertificate } from "./mint.js";

/** A client certificate no cluster trusts, to learn whether a server checks who signed what it is shown. */
export interface UntrustedClientIdentity {
  ca: MintedCertificate;
  client: MintedCertificate;
}

const DAY_MS = 86_400_000;

/** Minted per run and kept in memory only: ECDSA P-256 because it is fast, one day because it is disposable. */
export async function mintUntrustedClientIdentity(): Promise<UntrustedClientIdentity> {
  // Backdated a little so a server whose clock lags ours still sees it as valid.
  const notBefore = new Date(Date.now() - 5 * 60_000);
  const notAfter = new Date(notBefore.getTime() + DAY_MS);
  const ca = await mintCertificate({
    subject: { commonName: "kubetls-untrusted-ca" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
    notBefore,
    notAfter,
  });
  const client = await mintCertificate({
    subject: { commonName: "kubetls-untrusted" },
    key: { type: "ec", curve: "P-256" },
    issuer: ca,
    extendedKeyUsage: ["clientAuth"],
    notBefore,
    notAfter,
  });
  return { ca, client };
}
