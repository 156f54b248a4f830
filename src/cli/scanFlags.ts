import type { Command } from "commander";
import { DEFAULT_MAX_NODES } from "../model/index.js";
import {
  mapRoles,
  ROLE_DEFINITIONS,
  type RolePortOptionKey,
  type RolePorts,
  SCANNED_ROLES,
  type ScannedRole,
  TRUST_BUNDLES,
} from "../roles/index.js";
import { parsePortList } from "../targets/index.js";
import { UsageError } from "./exitCodes.js";
import { collect, nonNegativeInteger, positiveInteger } from "./parseNumbers.js";
import { addOutputFlags, REPORT_FORMATS } from "./reportFormats.js";

/** The flags of `kubetls scan`, exactly as commander hands them over; one port-list flag per role. */
export type ScanFlags = ScanFlagsBesidesRolePorts & Record<RolePortOptionKey, string>;

interface ScanFlagsBesidesRolePorts {
  targetsFile: string[];
  exclude: string[];
  roles: string;
  caFile: string[];
  kubeletCaFile: string[];
  etcdCaFile: string[];
  etcdClientCert?: string;
  etcdClientKey?: string;
  clientCert?: string;
  clientKey?: string;
  /** A file, or `true` for `--kubeconfig` alone: $KUBECONFIG or ~/.kube/config, as kubectl finds it. */
  kubeconfig?: string | true;
  context?: string;
  nodeAddressTypes: string;
  maxNodes: number;
  scope: string[];
  concurrency: number;
  rate?: number;
  timeout: number;
  connectTimeout?: number;
  discoveryConcurrency?: number;
  /** Absent: -o's extension decides, else the table. */
  format?: string;
  verbose?: boolean;
  output?: string;
  dryRun?: boolean;
  allowLarge?: boolean;
  benchmark?: string;
  expiryWarnDays: number;
  failOn: string;
  tlsScan: string;
  shard?: string;
  flags?: string;
  /** `--output-<format>` flags are read with requestedOutputs(), from the reporter registry. */
  progress?: boolean;
  quiet?: boolean;
  showClosed?: boolean;
  openOnly?: boolean;
}

export function addScanFlags(command: Command): Command {
  command.option(
    "-f, --targets-file <file>",
    "read targets from FILE, one per line ('#' comments, '-' = stdin)",
    collect,
    [],
  );
  command.option(
    "--exclude <list>",
    "addresses, CIDRs, ranges or names never touched (repeatable)",
    collect,
    [],
  );
  command.option(
    "--roles <list>",
    `roles a scan asks about, comma-separated: ${SCANNED_ROLES.join(", ")} (default: all)`,
    "all",
  );
  for (const { ports } of ROLE_DEFINITIONS)
    command.option(`${ports.flag} <list>`, `${ports.help} ('' disables)`, ports.defaults.join(","));
  return addOutputFlags(command)
    .option(
      `${TRUST_BUNDLES.cluster.flag} <file>`,
      "CA bundle (PEM) serving chains must validate against (repeatable)",
      collect,
      [],
    )
    .option(
      `${TRUST_BUNDLES.kubelet.flag} <file>`,
      "CA bundle for kubelet serving certs, when not the cluster CA",
      collect,
      [],
    )
    .option(
      "--client-cert <file>",
      "client certificate kubelets should accept (the API server's kubelet-client pair)",
    )
    .option("--client-key <file>", "private key of --client-cert")
    .option(
      `${TRUST_BUNDLES.etcd.flag} <file>`,
      "CA bundle etcd's serving chains must validate against (kubeadm: /etc/kubernetes/pki/etcd/ca.crt)",
      collect,
      [],
    )
    .option(
      "--etcd-client-cert <file>",
      "client certificate etcd should accept (the API server's --etcd-certfile)",
    )
    .option("--etcd-client-key <file>", "private key of --etcd-client-cert")
    .option(
      "--kubeconfig [file]",
      "kubeconfig: its API server is scanned, its nodes too when no targets are given; without a file, $KUBECONFIG or ~/.kube/config",
    )
    .option("--context <name>", "kubeconfig context (default: current-context); alone, implies --kubeconfig")
    .option(
      "--node-address-types <list>",
      "node address types to dial, in order of preference",
      "InternalIP,Hostname",
    )
    .option(
      "--max-nodes <n>",
      "with --kubeconfig: nodes whose kubelet configuration is read through the API server's node proxy (every node of a supported cluster by default)",
      positiveInteger("--max-nodes"),
      DEFAULT_MAX_NODES,
    )
    .option(
      "--scope <list>",
      "addresses/CIDRs kubetls may ever connect to, whatever targets or the API say (repeatable)",
      collect,
      [],
    )
    .option("-c, --concurrency <n>", "endpoints probed at once", positiveInteger("--concurrency"), 64)
    .option(
      "--rate <n>",
      "new connections per second across the scan (default: unlimited)",
      positiveInteger("--rate"),
    )
    .option(
      "--timeout <ms>",
      "deadline of each phase: connect, handshake, request",
      positiveInteger("--timeout"),
      3000,
    )
    .option(
      "--connect-timeout <ms>",
      "deadline of the discovery connect that finds open ports (default: --timeout)",
      positiveInteger("--connect-timeout"),
    )
    .option(
      "--discovery-concurrency <n>",
      "discovery connects in flight (default 8192, capped by the open-file limit)",
      positiveInteger("--discovery-concurrency"),
    )
    .option(
      "--format <format>",
      `report format: ${REPORT_FORMATS.join(", ")} (default: from -o's extension, else table)`,
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("-v, --verbose", "the table lists every endpoint with its evidence and remediation")
    .option(
      "--benchmark <id>",
      "CIS benchmark numbering for control ids (default: newest in probes/benchmarks.yaml)",
    )
    .option(
      "--expiry-warn-days <n>",
      "WARN for serving certificates that expire within N days, on every TLS role",
      nonNegativeInteger("--expiry-warn-days"),
      30,
    )
    .option(
      "--tls-scan <mode>",
      "raw ClientHello enumeration: quick (versions + CIS-forbidden suites), full, off",
      "quick",
    )
    .option(
      "--fail-on <status>",
      "exit 1 when any check is at or above FAIL|ERROR|WARN|INFO, or none",
      "FAIL",
    )
    .option("--show-closed", "list refused endpoints in the table too")
    .option(
      "--open-only",
      "reports list open endpoints only; never-opened ones stay counted, without host lists",
    )
    .option(
      "--shard <i/n>",
      "scan only shard I of N (0-based; hosts split by a stable hash), e.g. $JOB_COMPLETION_INDEX/4",
    )
    .option("--flags <file>", "kube-bench --json output to correlate with the wire verdicts, per control")
    .option("--progress", "show progress on stderr even when it is not a terminal")
    .option("-q, --quiet", "no progress and no warnings on stderr")
    .option("--allow-large", "allow target expressions larger than a /16 (v4) or /112 (v6)")
    .option("--dry-run", "print the endpoints that would be probed (host:port role), touch nothing");
}

export function parseTlsScan(value: string): "quick" | "full" | "off" {
  const mode = value.toLowerCase();
  if (mode === "quick" || mode === "full" || mode === "off") return mode;
  throw new UsageError(`--tls-scan takes quick, full or off, got "${value}"`);
}

export function portsFrom(flag: string, value: string): number[] {
  try {
    return parsePortList(value);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/** Each role's port list from its flag; a role left out of `--roles` gets none. */
export function rolePortsFrom(flags: ScanFlags): RolePorts {
  const wanted = rolesFrom(flags.roles);
  return mapRoles(({ role, ports }) =>
    wanted.has(role) ? portsFrom(ports.flag, flags[ports.optionKey as RolePortOptionKey]) : [],
  );
}

/** `--roles kubelet,apiserver`; `all` (the default) is every role. */
export function rolesFrom(value: string): Set<ScannedRole> {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === "all") return new Set(SCANNED_ROLES);
  const roles = new Set<ScannedRole>();
  for (const name of names) {
    const role = SCANNED_ROLES.find((candidate) => candidate === name);
    if (role === undefined)
      throw new UsageError(`--roles: unknown role "${name}" (known: all, ${SCANNED_ROLES.join(", ")})`);
    roles.add(role);
  }
  if (roles.size === 0) throw new UsageError("--roles: name at least one role, or all");
  return roles;
}
