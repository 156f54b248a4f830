import { createHash } from "node:crypto";
import {
  type CheckResult,
  type CheckSource,
  type CheckStatus,
  endpointKey,
  type ScanResult,
  type Severity,
} from "../model/index.js";
import { withCriticalLabel } from "./criticalFinding.js";
import { sortEndpoints } from "./order.js";
import { stringifySafe } from "./safeJson.js";

/**
 * The OASIS standard's schema. The tests validate against schema/sarif-2.1.0.schema.json, the 2.1.0
 * schema as the npm package @microsoft/jest-sarif ships it (its rtm.5 text).
 */
const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI = "https://kubetls.dev";
/** Versioned so a future change of what is hashed starts new alerts instead of mismatching old ones. */
const FINGERPRINT_KEY = "kubetlsEndpointCheck/v1";

type SarifLevel = "error" | "warning" | "note";

/** PASS and SKIP are not findings; every other status is one, at this level. */
const LEVEL: Record<CheckStatus, SarifLevel | null> = {
  PASS: null,
  SKIP: null,
  FAIL: "error",
  WARN: "warning",
  ERROR: "warning",
  INFO: "note",
};

/**
 * GitHub code scanning ranks security alerts by the rule's `security-severity`, a CVSS-like score:
 * 9.0 and up critical, 7.0 high, 4.0 medium, below that low. Informational rules get none.
 */
const SECURITY_SEVERITY: Record<Severity, string | null> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: null,
};
const SEVERITY_RANK: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

interface SarifMessage {
  text: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  help?: SarifMessage;
  properties: { tags: string[]; benchmark: string; cis: string[]; "security-severity"?: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: {
    physicalLocation: { artifactLocation: { uri: string } };
    logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties: { status: CheckStatus; severity: Severity; source: CheckSource; role: string; cis: string[] };
}

/** Characters RFC 3986 allows raw in a path segment (pchar); everything else is percent-encoded. */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;

function encodeSegment(segment: string): string {
  let out = "";
  for (const ch of segment) {
    if (PCHAR.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Where a result is, for GitHub code scanning. It rejects a result without a physical location
 * ("expected a physical location"), and rejects the whole upload when an absolute URI's scheme is not
 * the checkout's `file` ("SARIF URI scheme "tls" did not match the checkout URI scheme "file""), so
 * neither `tls://host:port` nor a logical location alone would upload. A relative path ingests like
 * any file path: `kubetls/<host>/<port>`, whose first segment has no colon, so a host name is never
 * read as a scheme. The logical location keeps the plain `host:port` for other consumers.
 */
function endpointUri(host: string, port: number): string {
  return `kubetls/${encodeSegment(host)}/${port}`;
}

function fingerprint(key: string, checkId: string): string {
  return createHash("sha256").update(`${key}\n${checkId}`).digest("hex");
}

/** What the run learnt about one check id, across every endpoint that ran it. */
interface RuleFacts {
  id: string;
  title: string;
  remediation: string;
  severity: Severity;
  cis: string[];
}

function learn(facts: RuleFacts, check: CheckResult): void {
  if (facts.remediation === "") facts.remediation = check.remediation.trim();
  if (SEVERITY_RANK.indexOf(check.severity) > SEVERITY_RANK.indexOf(facts.severity)) {
    facts.severity = check.severity;
  }
  for (const id of check.cis) if (!facts.cis.includes(id)) facts.cis.push(id);
}

function toRule(facts: RuleFacts, benchmark: string): SarifRule {
  const rule: SarifRule = {
    id: facts.id,
    name: facts.id,
    shortDescription: { text: facts.title },
    properties: {
      // Tags are what GitHub lets people filter alerts by: `CIS-1.12-4.2.1` names the control.
      tags: ["security", "kubernetes", "tls", ...facts.cis.map((id) => `${benchmark.toUpperCase()}-${id}`)],
      benchmark,
      cis: facts.cis,
    },
  };
  if (facts.remediation !== "") rule.help = { text: facts.remediation };
  const score = SECURITY_SEVERITY[facts.severity];
  if (score !== null) rule.properties["security-severity"] = score;
  return rule;
}

/**
 * The run as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers: one rule per check id
 * seen, one result per check that is a finding (not PASS, not SKIP) on an endpoint, endpoints in
 * report order. `partialFingerprints` hashes (host:port, check id), so an alert stays the same alert
 * across runs and closes when the endpoint stops failing.
 */
export function formatSarif(result: ScanResult): string {
  // Insertion order is rule order, so a rule's index is its position when first seen.
  const rules = new Map<string, RuleFacts & { index: number }>();
  const results: SarifResult[] = [];
  for (const endpoint of sortEndpoints(result.endpoints)) {
    const key = endpointKey(endpoint);
    for (const check of endpoint.checks) {
      let rule = rules.get(check.id);
      if (rule === undefined) {
        rule = {
          index: rules.size,
          id: check.id,
          title: check.title,
          remediation: "",
          severity: "info",
          cis: [],
        };
        rules.set(check.id, rule);
      }
      learn(rule, check);
      const level = LEVEL[check.status];
      if (level === null) continue;
      results.push({
        ruleId: check.id,
        ruleIndex: rule.index,
        level,
        // SARIF requires message text; an empty evidence would upload as an alert saying nothing.
        message: {
          text: withCriticalLabel(
            check,
            check.evidence.trim() === "" ? `${check.id}: ${check.status}` : check.evidence,
          ),
        },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: endpointUri(endpoint.host, endpoint.port) } },
            logicalLocations: [{ name: key, fullyQualifiedName: key, kind: "resource" }],
          },
        ],
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(key, check.id) },
        properties: {
          status: check.status,
          severity: check.severity,
          source: check.source,
          role: endpoint.role,
          cis: [...check.cis],
          ...(check.critical ? { critical: true } : {}),
        },
      });
    }
  }
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            informationUri: INFORMATION_URI,
            rules: [...rules.values()].map((facts) => toRule(facts, result.benchmark)),
          },
        },
        invocations: [
          { executionSuccessful: true, startTimeUtc: result.startedAt, endTimeUtc: result.finishedAt },
        ],
        results,
        properties: { benchmark: result.benchmark },
      },
    ],
  };
  return `${stringifySafe(log, 2)}\n`;
}
