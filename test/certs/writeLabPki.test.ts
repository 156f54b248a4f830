import { execFileSync, spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CertificateIndexEntry,
  LabPkiExistsError,
  type LabPkiIndex,
  LabPkiOptionsError,
  writeLabPki,
} from "../../src/certs/index.js";
import { registerCertsCommand } from "../../src/cli/certsCommand.js";
import { describeFailure, EXIT } from "../../src/cli/exitCodes.js";

/** openssl is the independent judge: its verdict on chain, purpose and SANs is what real peers do. */
function openssl(args: string[]): { ok: boolean; output: string } {
  const run = spawnSync("openssl", args, { encoding: "utf8" });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function verify(directory: string, file: string, purpose: "sslserver" | "sslclient", caFile = "ca.crt") {
  return openssl(["verify", "-purpose", purpose, "-CAfile", join(directory, caFile), join(directory, file)]);
}

function x509Field(path: string, ...args: string[]): string {
  return execFileSync("openssl", ["x509", "-in", path, "-noout", "-nameopt", "RFC2253", ...args], {
    encoding: "utf8",
  });
}

function publicKeyOf(path: string, kind: "cert" | "key"): string {
  return kind === "cert"
    ? execFileSync("openssl", ["x509", "-in", path, "-noout", "-pubkey"], { encoding: "utf8" })
    : execFileSync("openssl", ["pkey", "-in", path, "-pubout"], { encoding: "utf8" });
}

const modeOf = (path: string) => statSync(path).mode & 0o777;
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const freshDirectory = () => mkdtempSync(join(tmpdir(), "kubetls-certs-"));

const SERVING = ["apiserver.crt", "nodes/node1/kubelet.crt", "nodes/node2/kubelet.crt"];
const CLIENTS = [
  "apiserver-kubelet-client.crt",
  "admin.crt",
  "nodes/node1/kubelet-client.crt",
  "nodes/node2/kubelet-client.crt",
];
const KEYS = [
  "ca.key",
  "apiserver.key",
  "apiserver-kubelet-client.key",
  "admin.key",
  "nodes/node1/kubelet.key",
  "nodes/node1/kubelet-client.key",
  "nodes/node2/kubelet.key",
  "nodes/node2/kubelet-client.key",
  "untrusted-client.key",
];
const CERTIFICATES = ["ca.crt", ...SERVING, ...CLIENTS, "untrusted-ca.crt", "untrusted-client.crt"];

describe("writeLabPki", () => {
  let directory: string;
  let written: string[];
  let index: LabPkiIndex;

  beforeAll(async () => {
    directory = join(freshDirectory(), "pki");
    written = await writeLabPki(directory, {
      nodeNames: ["node1", "node2"],
      nodeAddresses: ["10.0.0.1", "fd00::2"],
      apiserverNames: ["api.lab.example", "192.0.2.10"],
    });
    index = JSON.parse(readFileSync(join(directory, "index.json"), "utf8")) as LabPkiIndex;
  });

  it("returns every file it wrote, index.json last", () => {
    const relativePaths = written.map((path) => relative(directory, path));
    expect(new Set(relativePaths)).toEqual(new Set([...CERTIFICATES, ...KEYS, "index.json"]));
    expect(relativePaths).toHaveLength(CERTIFICATES.length + KEYS.length + 1);
    expect(relativePaths.at(-1)).toBe("index.json");
  });

  it("mints serving certs that openssl verifies against ca.crt for TLS servers only", () => {
    for (const file of SERVING) {
      expect(verify(directory, file, "sslserver"), file).toMatchObject({ ok: true });
      expect(verify(directory, file, "sslclient").ok, `${file} must not pass as a client cert`).toBe(false);
    }
  });

  it("mints client certs that openssl verifies against ca.crt for TLS clients only", () => {
    for (const file of CLIENTS) {
      expect(verify(directory, file, "sslclient"), file).toMatchObject({ ok: true });
      expect(verify(directory, file, "sslserver").ok, `${file} must not pass as a serving cert`).toBe(false);
    }
  });

  it("mints an untrusted client that does NOT verify against ca.crt, only against untrusted-ca.crt", () => {
    const againstCluster = verify(directory, "untrusted-client.crt", "sslclient");
    expect(againstCluster.ok).toBe(false);
    expect(againstCluster.output).toMatch(/unable to get local issuer certificate/);
    expect(verify(directory, "untrusted-client.crt", "sslclient", "untrusted-ca.crt").ok).toBe(true);
    for (const file of [...SERVING, ...CLIENTS]) {
      expect(
        verify(directory, file, SERVING.includes(file) ? "sslserver" : "sslclient", "untrusted-ca.crt").ok,
      ).toBe(false);
    }
  });

  it("makes the cluster CA a 10-year CA named kubernetes", () => {
    const ca = new X509Certificate(readFileSync(join(directory, "ca.crt")));
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe("CN=kubernetes");
    expect(ca.issuer).toBe("CN=kubernetes");
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(new X509Certificate(readFileSync(join(directory, "untrusted-ca.crt"))).ca).toBe(true);
  });

  it("gives each certificate the Kubernetes identity it stands for", () => {
    const subjectOf = (file: string) => x509Field(join(directory, file), "-subject").trim();
    expect(subjectOf("apiserver-kubelet-client.crt")).toBe(
      "subject=CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins",
    );
    expect(subjectOf("admin.crt")).toBe("subject=CN=kubernetes-admin,O=system:masters");
    expect(subjectOf("nodes/node1/kubelet-client.crt")).toBe("subject=CN=system:node:node1,O=system:nodes");
    expect(subjectOf("nodes/node2/kubelet-client.crt")).toBe("subject=CN=system:node:node2,O=system:nodes");
    expect(subjectOf("nodes/node1/kubelet.crt")).toBe("subject=CN=node1");
    expect(subjectOf("apiserver.crt")).toBe("subject=CN=kube-apiserver");
  });

  it("puts the in-cluster names, the service IP and the given names in the API server cert", () => {
    const sans = x509Field(join(directory, "apiserver.crt"), "-ext", "subjectAltName");
    for (const name of [
      "DNS:kubernetes,",
      "DNS:kubernetes.default,",
      "DNS:kubernetes.default.svc,",
      "DNS:kubernetes.default.svc.cluster.local",
      "DNS:api.lab.example",
      "IP Address:10.96.0.1",
      "IP Address:192.0.2.10",
    ]) {
      expect(sans).toContain(name);
    }
    expect(
      openssl([
        "x509",
        "-in",
        join(directory, "apiserver.crt"),
        "-noout",
        "-checkhost",
        "kubernetes.default.svc",
      ]).output,
    ).toMatch(/does match/);
  });

  it("gives each kubelet serving cert its node name and its own address", () => {
    const node1 = x509Field(join(directory, "nodes/node1/kubelet.crt"), "-ext", "subjectAltName");
    const node2 = x509Field(join(directory, "nodes/node2/kubelet.crt"), "-ext", "subjectAltName");
    expect(node1).toMatch(/DNS:node1, IP Address:10\.0\.0\.1\s*$/);
    expect(node2).toMatch(/DNS:node2, IP Address:FD00:0:0:0:0:0:0:2\s*$/);
  });

  it("writes private keys 0600 and certificates 0644, each key matching its certificate", () => {
    for (const key of KEYS) expect(modeOf(join(directory, key)), key).toBe(0o600);
    for (const certificate of CERTIFICATES) expect(modeOf(join(directory, certificate))).toBe(0o644);
    for (const key of KEYS) {
      const certificate = key.replace(/\.key$/, ".crt");
      expect(publicKeyOf(join(directory, key), "key"), key).toBe(
        publicKeyOf(join(directory, certificate), "cert"),
      );
    }
  });

  it("never writes the untrusted CA's key", () => {
    expect(() => statSync(join(directory, "untrusted-ca.key"))).toThrow();
  });

  it("describes every other file in index.json, with hashes and dates that match the files", () => {
    const entries = new Map(index.files.map((entry) => [entry.path, entry]));
    expect(new Set(entries.keys())).toEqual(new Set([...CERTIFICATES, ...KEYS]));
    for (const entry of index.files) {
      expect(entry.sha256, entry.path).toBe(sha256(join(directory, entry.path)));
      expect(entry.purpose.length, entry.path).toBeGreaterThan(10);
      if (entry.kind === "certificate") {
        const x509 = new X509Certificate(readFileSync(join(directory, entry.path)));
        expect(Date.parse(entry.notAfter)).toBe(Date.parse(x509.validTo));
        expect(entry.subject).toBe(x509.subject.split("\n").reverse().join(","));
        expect(entry.issuer).toBe(x509.issuer.split("\n").reverse().join(","));
        expect(entry.fingerprintSha256).toBe(x509.fingerprint256.replaceAll(":", "").toLowerCase());
      } else {
        expect(entry.mode).toBe("0600");
        expect(entries.get(entry.certificate)?.kind).toBe("certificate");
        expect(entry.subject).toBe((entries.get(entry.certificate) as CertificateIndexEntry).subject);
      }
    }
    expect(index.generatedBy).toMatch(/^kubetls \d+\.\d+\.\d+/);
  });

  it("says where each real file lives on a kubeadm node and which kubetls flag takes it", () => {
    const entry = (path: string) => index.files.find((file) => file.path === path);
    expect(entry("ca.crt")).toMatchObject({
      kubeadmPath: "/etc/kubernetes/pki/ca.crt",
      kubetlsFlags: ["--ca-file", "--kubelet-ca-file"],
    });
    expect(entry("apiserver-kubelet-client.crt")).toMatchObject({
      kubeadmPath: "/etc/kubernetes/pki/apiserver-kubelet-client.crt",
      kubetlsFlags: ["--client-cert"],
    });
    expect(entry("apiserver-kubelet-client.key")).toMatchObject({
      kubeadmPath: "/etc/kubernetes/pki/apiserver-kubelet-client.key",
      kubetlsFlags: ["--client-key"],
    });
    expect(entry("nodes/node1/kubelet.crt")).toMatchObject({
      kubeadmPath: "/var/lib/kubelet/pki/kubelet.crt",
      node: "node1",
      extendedKeyUsage: ["serverAuth"],
      sans: { dns: ["node1"], ip: ["10.0.0.1"] },
    });
    expect(entry("nodes/node2/kubelet-client.key")).toMatchObject({
      kubeadmPath: "/var/lib/kubelet/pki/kubelet-client-current.pem",
    });
    expect(entry("untrusted-client.crt")).toMatchObject({
      kubeadmPath: null,
      issuer: "CN=kubetls-untrusted-ca",
    });
  });

  it("refuses to overwrite an existing PKI, leaving it untouched, unless forced", async () => {
    const before = sha256(join(directory, "ca.key"));
    await expect(writeLabPki(directory, { nodeNames: ["node1", "node2"] })).rejects.toBeInstanceOf(
      LabPkiExistsError,
    );
    expect(sha256(join(directory, "ca.key"))).toBe(before);

    const rewritten = await writeLabPki(directory, { nodeNames: ["node1", "node2"], force: true });
    expect(rewritten).toHaveLength(written.length);
    expect(sha256(join(directory, "ca.key"))).not.toBe(before);
    for (const key of KEYS) expect(modeOf(join(directory, key)), key).toBe(0o600);
    expect(verify(directory, "nodes/node2/kubelet.crt", "sslserver").ok).toBe(true);
  });

  it("refuses when a single file of the PKI is already there, but not for unrelated files", async () => {
    const partial = freshDirectory();
    writeFileSync(join(partial, "README.md"), "keep me\n");
    writeFileSync(join(partial, ".gitignore"), "*\n");
    mkdirSync(join(partial, "kind"));
    writeFileSync(join(partial, "admin.key"), "not a key\n");
    await expect(writeLabPki(partial)).rejects.toThrow(/admin\.key.*--force/);
    expect(readFileSync(join(partial, "admin.key"), "utf8")).toBe("not a key\n");

    const unrelated = freshDirectory();
    writeFileSync(join(unrelated, "README.md"), "keep me\n");
    await writeLabPki(unrelated);
    expect(readFileSync(join(unrelated, "README.md"), "utf8")).toBe("keep me\n");
  });

  it("defaults to one node, node1, and localhost plus 127.0.0.1 on the API server", async () => {
    const defaults = freshDirectory();
    const files = await writeLabPki(defaults);
    expect(files.map((path) => relative(defaults, path))).toContain("nodes/node1/kubelet.crt");
    const sans = x509Field(join(defaults, "apiserver.crt"), "-ext", "subjectAltName");
    expect(sans).toContain("DNS:localhost");
    expect(sans).toContain("IP Address:127.0.0.1");
  });

  it("gives a single node every address", async () => {
    const single = freshDirectory();
    await writeLabPki(single, {
      nodeNames: ["kind-worker"],
      nodeAddresses: ["172.18.0.3", "fc00:f853:ccd:e793::3"],
    });
    const sans = x509Field(join(single, "nodes/kind-worker/kubelet.crt"), "-ext", "subjectAltName");
    expect(sans).toMatch(/DNS:kind-worker, IP Address:172\.18\.0\.3, IP Address:FC00:F853:CCD:E793:0:0:0:3/);
  });

  it("rejects node names that are not RFC 1123 (or would escape the directory), and unpaired addresses", async () => {
    const target = freshDirectory();
    for (const options of [
      { nodeNames: ["../etc"] },
      { nodeNames: ["Node1"] },
      { nodeNames: ["a/b"] },
      { nodeNames: ["n1", "n1"] },
      { nodeNames: ["n1", "n2"], nodeAddresses: ["10.0.0.1"] },
      { nodeAddresses: ["not-an-ip"] },
      { apiserverNames: ["bad name"] },
    ]) {
      await expect(writeLabPki(target, options), JSON.stringify(options)).rejects.toBeInstanceOf(
        LabPkiOptionsError,
      );
    }
  });
});

describe("registerCertsCommand", () => {
  function program(): Command {
    const root = new Command().exitOverride();
    registerCertsCommand(root);
    return root;
  }

  it("writes the PKI from flags, and turns a refusal into a usage error", async () => {
    const out = join(freshDirectory(), "pki");
    const write = process.stdout.write;
    let printed = "";
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      await program().parseAsync(
        ["certs", "--out", out, "--node", "w1", "--node-address", "10.1.0.1", "--apiserver-name", "api.x"],
        { from: "user" },
      );
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toContain("index.json");
    expect(printed).toContain("--client-cert");
    expect(verify(out, "nodes/w1/kubelet.crt", "sslserver").ok).toBe(true);
    expect(x509Field(join(out, "apiserver.crt"), "-ext", "subjectAltName")).toContain("DNS:api.x");
    const refusal = await program()
      .parseAsync(["certs", "--out", out], { from: "user" })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refusal).toMatchObject({ code: "KUBETLS_ERR_LAB_PKI" });
    expect(describeFailure(refusal).exitCode).toBe(EXIT.usage);
  });
});
