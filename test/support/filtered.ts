import { execFileSync } from "node:child_process";

/**
 * A 127.x.y.0/24 whose TCP SYNs the kernel drops (iptables OUTPUT DROP): connects there get no answer,
 * as behind a firewall. Needs root and iptables; `canFilter` says whether this machine can do it.
 */
export interface FilteredRange {
  prefix: string;
  cidr: string;
  remove(): void;
}

export function canFilter(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("iptables", ["-S", "OUTPUT"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Drops SYNs to `prefix`.0/24, or only those to `port` there when given. */
export function filterRange(
  prefix = `127.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`,
  port?: number,
): FilteredRange {
  const cidr = `${prefix}.0/24`;
  const only = port === undefined ? [] : ["--dport", String(port)];
  const rule = ["OUTPUT", "-d", cidr, "-p", "tcp", ...only, "--syn", "-j", "DROP"];
  rule.push("-m", "comment", "--comment", "kubetls-test");
  execFileSync("iptables", ["-I", ...rule]);
  return {
    prefix,
    cidr,
    remove: () => execFileSync("iptables", ["-D", ...rule]),
  };
}
