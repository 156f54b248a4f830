import type { CheckStatus, Role } from "../model/index.js";
import { ROLE_DEFINITIONS } from "../roles/index.js";
import type { PostureListener } from "./posture.js";

/** What the lab's own scans use: the CLI's default --expiry-warn-days. */
export const LAB_EXPIRY_WARN_DAYS = 30;
const DAY_MS = 86_400_000;

const TLS_ROLES: ReadonlySet<Role> = new Set(
  ROLE_DEFINITIONS.filter((definition) => definition.transport === "tls").map(({ role }) => role),
);

/**
 * The expected tls.cert-expiry verdict of a listener, from how the lab built it rather than from what a scan
 * reports: the served leaf's dates, or the reason no leaf can be read. Added to every listener of a TLS role
 * whose checks are judged, so each posture stays one place and every new certificate is covered.
 */
export function withExpiryVerdict(listener: PostureListener, now: Date = new Date()): PostureListener {
  const { expect, serve, role } = listener;
  if (!TLS_ROLES.has(role) || Object.keys(expect.checks).length === 0 || "tls.cert-expiry" in expect.checks)
    return listener;
  return { ...listener, expect: { ...expect, checks: { ...expect.checks, "tls.cert-expiry": verdict() } } };

  function verdict(): CheckStatus {
    // No TLS, plain HTTP, or a chain the scan cannot observe: the expiry is unknown, never a PASS.
    if (
      serve.kind !== "tls" ||
      !expect.speaksTls ||
      expect.plainHttp ||
      expect.validationErrors === undefined
    )
      return "SKIP";
    const leaf = serve.chain[0];
    if (leaf === undefined) return "SKIP";
    const days = Math.floor((new Date(leaf.x509.validTo).getTime() - now.getTime()) / DAY_MS);
    if (days < 0 || new Date(leaf.x509.validFrom).getTime() > now.getTime()) return "FAIL";
    if (expect.validationErrors.includes("not-yet-valid")) return "FAIL";
    return days < LAB_EXPIRY_WARN_DAYS ? "WARN" : "PASS";
  }
}
