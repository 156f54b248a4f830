import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isForbiddenKubeletPath } from "../../src/net/index.js";
import { loadProbes } from "../../src/probes/index.js";
import {
  anchorsForRole,
  DETECTION_ORDER,
  DETECTION_PATHS,
  defaultRolePorts,
  loadTrustBundles,
  onlyRolePorts,
  portRolesOf,
  ROLE_DEFINITIONS,
  type RoleDefinition,
  SCANNED_ROLES,
} from "../../src/roles/index.js";
import { mintCertificate } from "../../src/x509/index.js";
import { runCli } from "../support/cli.js";

describe("the role registry", () => {
  it("gives each role a distinct port flag whose commander key is its camelCase", () => {
    const flags = ROLE_DEFINITIONS.map((definition) => definition.ports.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const { ports } of ROLE_DEFINITIONS) {
      const camel = ports.flag
        .replace(/^--/, "")
        .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
      expect(ports.optionKey).toBe(camel);
    }
  });

  it("asks only read-only paths that net's guard allows, and detects every role it can", () => {
    for (const definition of ROLE_DEFINITIONS as readonly RoleDefinition[])
      for (const path of [...definition.paths, ...(definition.trustedOnlyPaths ?? []), ...DETECTION_PATHS])
        expect(isForbiddenKubeletPath(path)).toBe(false);
    expect([...DETECTION_ORDER].sort()).toEqual([...SCANNED_ROLES].sort());
  });

  it("names only roles the registry knows in every probe, and every scanned-by-default role has a probe", async () => {
    const { probes } = await loadProbes();
    const probed = new Set(probes.flatMap((probe) => probe.roles));
    for (const definition of ROLE_DEFINITIONS)
      if (definition.ports.defaults.length > 0) expect(probed.has(definition.role)).toBe(true);
  });

  it("probes a port listed under two roles once, under the earlier role in the registry", () => {
    expect(portRolesOf(onlyRolePorts({ apiserver: [443], kubelet: [443, 10250] }))).toEqual([
      { port: 443, role: "kubelet" },
      { port: 10250, role: "kubelet" },
    ]);
    expect(portRolesOf(defaultRolePorts()).map((entry) => entry.role)).toEqual(
      ROLE_DEFINITIONS.filter((definition) => definition.ports.defaults.length > 0).map(
        (definition) => definition.role,
      ),
    );
  });

  it("judges kubelets by --kubelet-ca-file when given, else by the cluster CA", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kubetls-roles-"));
    const ca = (commonName: string) =>
      mintCertificate({ subject: { commonName }, key: { type: "ec", curve: "P-256" }, isCa: true });
    const [cluster, kubelet] = await Promise.all([ca("cluster-ca"), ca("kubelet-ca")]);
    await writeFile(join(dir, "cluster.crt"), cluster.certPem);
    await writeFile(join(dir, "kubelet.crt"), kubelet.certPem);
    const shared = await loadTrustBundles({ caFiles: [join(dir, "cluster.crt")], kubeletCaFiles: [] });
    expect(anchorsForRole(shared, "kubelet").map((anchor) => anchor.subject)).toEqual(["CN=cluster-ca"]);
    const own = await loadTrustBundles({
      caFiles: [join(dir, "cluster.crt")],
      kubeletCaFiles: [join(dir, "kubelet.crt")],
    });
    expect(anchorsForRole(own, "kubelet").map((anchor) => anchor.subject)).toEqual(["CN=kubelet-ca"]);
    expect(anchorsForRole(own, "apiserver").map((anchor) => anchor.subject)).toEqual(["CN=cluster-ca"]);
    expect(anchorsForRole(own, "unknown").map((anchor) => anchor.subject)).toEqual(["CN=cluster-ca"]);
  });
});

describe("--roles", () => {
  it("sweeps only the roles named, each on its own port flag", async () => {
    const run = await runCli([
      "scan",
      "10.3.0.1",
      "--dry-run",
      "--roles",
      "kubelet",
      "--kubelet-ports",
      "10250",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["10.3.0.1:10250 kubelet"]);
    const two = await runCli(["scan", "10.3.0.1", "--dry-run", "--roles", "apiserver,kubelet-readonly"]);
    expect(two.stdout.trim().split("\n")).toEqual([
      "10.3.0.1:10255 kubelet-readonly",
      "10.3.0.1:6443 apiserver",
    ]);
  });

  it("refuses a role it does not know with exit 2, naming the known ones", async () => {
    const run = await runCli(["scan", "10.3.0.1", "--dry-run", "--roles", "kubelet,etcdd"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown role "etcdd"');
    expect(run.stderr).toContain("kubelet-readonly");
    expect(run.stdout).toBe("");
  });
});
