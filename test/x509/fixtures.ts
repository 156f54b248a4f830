import { type CertificateSpec, type MintedCertificate, mintCertificate } from "../../src/x509/index.js";

/** Every fixture is dated around this instant, so validity and expiresInDays are exact. */
export const NOW = new Date("2025-06-01T12:00:00Z");
export const DAY_MS = 86_400_000;

export function daysFromNow(days: number): Date {
  return new Date(NOW.getTime() + days * DAY_MS);
}

type FixtureSpec = Omit<CertificateSpec, "subject" | "key"> & Partial<Pick<CertificateSpec, "key">>;

/** mintCertificate with test defaults: ECDSA P-256 (fast), valid from a day before NOW for 90 days. */
export function mint(commonName: string, spec: FixtureSpec = {}): Promise<MintedCertificate> {
  return mintCertificate({
    subject: { commonName },
    key: { type: "ec", curve: "P-256" },
    notBefore: daysFromNow(-1),
    notAfter: daysFromNow(90),
    ...spec,
  });
}

export function mintCa(commonName: string, spec: FixtureSpec = {}): Promise<MintedCertificate> {
  return mint(commonName, { isCa: true, notAfter: daysFromNow(3650), ...spec });
}

export function mintServer(commonName: string, issuer: MintedCertificate, spec: FixtureSpec = {}) {
  return mint(commonName, {
    issuer,
    dnsNames: [commonName],
    extendedKeyUsage: ["serverAuth"],
    ...spec,
  });
}
