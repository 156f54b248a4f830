import {
  type CheckResult,
  type CheckStatus,
  type EndpointResult,
  endpointKey,
  type ScanResult,
} from "../model/index.js";
import { withCriticalLabel } from "./criticalFinding.js";
import { type Markup, markup } from "./markup.js";
import { sortEndpoints } from "./order.js";

/**
 * How each status reads to a CI test report. FAIL is a failed test and ERROR a test that could not
 * run. WARN, INFO and SKIP are skipped tests carrying their status and evidence, as kube-bench's own
 * JUnit output treats WARN and INFO: reporting them as passed would hide them, as failed would break
 * builds on advice. PASS is a passed test.
 */
type Outcome = "passed" | "failure" | "error" | "skipped";
const OUTCOME: Record<CheckStatus, Outcome> = {
  PASS: "passed",
  FAIL: "failure",
  ERROR: "error",
  WARN: "skipped",
  INFO: "skipped",
  SKIP: "skipped",
};

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function count(checks: readonly CheckResult[]): Counts {
  const counts: Counts = { tests: checks.length, failures: 0, errors: 0, skipped: 0 };
  for (const check of checks) {
    const outcome = OUTCOME[check.status];
    if (outcome === "failure") counts.failures++;
    else if (outcome === "error") counts.errors++;
    else if (outcome === "skipped") counts.skipped++;
  }
  return counts;
}

function countAttributes(counts: Counts): Markup {
  return markup`tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}"`;
}

function caseName(key: string, check: CheckResult): string {
  return check.cis.length === 0 ? `${key} ${check.id}` : `${key} ${check.id} (CIS ${check.cis.join(", ")})`;
}

function testcase(key: string, check: CheckResult): Markup {
  const open = markup`    <testcase classname="${check.id}" name="${caseName(key, check)}" time="0"`;
  const summary = `${check.status}: ${withCriticalLabel(check, check.title)}`;
  const evidence = markup`      <system-out>${check.evidence}</system-out>\n`;
  switch (OUTCOME[check.status]) {
    case "passed":
      return markup`${open}>\n${evidence}    </testcase>\n`;
    case "failure":
      return markup`${open}>\n      <failure message="${summary}" type="${check.status}">${check.evidence}</failure>\n${evidence}    </testcase>\n`;
    case "error":
      return markup`${open}>\n      <error message="${summary}" type="${check.status}">${check.evidence}</error>\n${evidence}    </testcase>\n`;
    case "skipped":
      return markup`${open}>\n      <skipped message="${`${check.status}: ${check.evidence}`}"/>\n${evidence}    </testcase>\n`;
  }
}

function testsuite(endpoint: EndpointResult, timestamp: string): Markup {
  const key = endpointKey(endpoint);
  const properties = [
    markup`      <property name="role" value="${endpoint.role}"/>\n`,
    markup`      <property name="reachable" value="${String(endpoint.reachable)}"/>\n`,
    endpoint.tls !== null && markup`      <property name="tls" value="${endpoint.tls.version}"/>\n`,
    endpoint.error !== null && markup`      <property name="error" value="${endpoint.error.code}"/>\n`,
  ];
  // An endpoint that never answered has no checks: say why in the suite instead of inventing a test.
  const systemErr =
    endpoint.error !== null &&
    markup`    <system-err>${`${endpoint.error.code}: ${endpoint.error.message}`}</system-err>\n`;
  return markup`  <testsuite name="${`${key} ${endpoint.role}`}" ${countAttributes(count(endpoint.checks))} time="0" timestamp="${timestamp}" hostname="${endpoint.host}">
    <properties>
${properties}    </properties>
${endpoint.checks.map((check) => testcase(key, check))}${systemErr}  </testsuite>\n`;
}

function seconds(startedAt: string, finishedAt: string): string {
  const elapsed = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  return Number.isFinite(elapsed) && elapsed >= 0 ? elapsed.toFixed(3) : "0";
}

/**
 * The run as JUnit XML for CI test reports: one `<testsuite>` per endpoint in report order (named
 * `host:port role`), one `<testcase>` per check (classname the check id). Every string from the
 * network is escaped, and characters XML 1.0 cannot carry are shown as `\xNN` text.
 */
export function formatJunit(result: ScanResult): string {
  const total = count(result.endpoints.flatMap((endpoint) => endpoint.checks));
  const document = markup`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${result.tool.name}" ${countAttributes(total)} time="${seconds(result.startedAt, result.finishedAt)}" timestamp="${result.startedAt}">
${sortEndpoints(result.endpoints).map((endpoint) => testsuite(endpoint, result.startedAt))}</testsuites>\n`;
  return document.text;
}
